using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes.Validation;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Returns.Delivery;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Probes;

internal static class ProbeEndpoints
{
    private const string PlainTextType = "text/plain";

    public static RouteGroupBuilder MapProbesApi(this IEndpointRouteBuilder app)
    {
        // Success responses are documented by the handlers' typed results; a ProblemHttpResult carries no status
        // of its own, so each endpoint names the problem statuses it answers with.
        var group = app.MapGroup("/api/v1/probes").WithTags("Probes").RequireApiAccess();
        group.MapPost("/", CreateAsync).WithName("CreateProbe")
            .WithSummary("Run the KB 153119 SMTP test from one or more agents.")
            .WithDescription("Answers 202 with a Location at once; with ?wait=SECONDS it answers 200 with the finished probe if every run ends within that time, else 202 "
                + "(with dsn.confirm: once every run's delivery is settled, i.e. its DSN came back or its waitSeconds are over). "
                + "422 no_agents_matched when the selector names no online agent; 422 target_not_allowed when the port, or a server given as an address, is outside the target policy (nothing is sent).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", ListProbes.HandleAsync).WithName("ListProbes")
            .WithSummary("List probes, newest first, with filters and paging.")
            .ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetProbe")
            .WithSummary("A probe with every run's verdict, diagnosis, steps and transcript.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/transcript", GetTranscriptAsync).WithName("GetProbeTranscript")
            .WithSummary("The probe as plain text for a ticket: the comparison, then each run's verdict, diagnosis and telnet-style transcript.")
            .WithDescription("Lines are marked as curl -v marks them: '>' sent, '<' received, '*' note, '~' TLS, each with the milliseconds since the run started. "
                + "The results page's \"Copy as text\" button copies this text.")
            .Produces<string>(StatusCodes.Status200OK, PlainTextType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithName("CancelProbe")
            .WithSummary("Cancel a probe in flight; answers with the probe once its runs have ended (idempotent).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/events", ProbeEventsEndpoint.StreamAsync).WithName("ProbeEvents")
            .WithSummary("Server-Sent Events: what already happened, then each run change, step and transcript line live, a heartbeat comment, and a final 'end' event with the probe.")
            .WithDescription("With dsn.confirm the stream stays open after the runs end: a 'delivery' event (runId, agentId, delivery) for each DSN that comes back, and 'end' once every run's delivery is settled.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <param name="request">The probe to run.</param>
    /// <param name="wait">Seconds to wait for the probe to finish (0–300) before answering 202.</param>
    private static async Task<Results<Ok<ProbeView>, Accepted<ProbeView>, ProblemHttpResult, Problems.StorageUnavailableResult>> CreateAsync(
        [FromBody] ProbeRequest request, [FromQuery] int? wait, ProbeDispatcher dispatcher, ReturnAddresses returns, DeliveryStage delivery, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = ProbeRequestValidator.Validate(request, wait);
        if (errors.Count == 0 && returns.ConfirmRefused(request.Dsn is { Confirm: true }, "dsn.confirm") is { } refused)
        {
            errors = refused;
        }

        if (errors.Count > 0)
        {
            return Problems.Problem.Validation(errors);
        }

        ProbeRecord probe;
        Task<ProbeRecord> ended;
        try
        {
            (probe, ended) = await dispatcher.SubmitAsync(request.ToPlan(), (request.Agents ?? new()).ToSelector(), cancellationToken);
        }
        catch (NoAgentsMatchedException ex)
        {
            return Problems.Problem.NoAgentsMatched(ex.Message);
        }
        catch (TargetNotAllowedException ex)
        {
            return Problems.Problem.TargetNotAllowed(ex);
        }
        catch (StorageUnavailableException ex)
        {
            return Problems.Problem.StorageUnavailable(ex);
        }

        var location = $"/api/v1/probes/{probe.Id}";
        var waitUntil = time.GetUtcNow().AddSeconds(wait ?? 0);
        if (wait is > 0 && await FinishesWithinAsync(ended, TimeSpan.FromSeconds(wait.Value), time, cancellationToken))
        {
            if (!DeliveryStage.Confirms(probe.Plan))
            {
                return TypedResults.Ok(ProbeViews.From(await ended));
            }

            // The delivery stage too: 200 once every report is in (or its wait is over), else 202 as it stands.
            var settled = await delivery.SettledAsync(probe.Id, Remaining(waitUntil, time), cancellationToken) ?? await ended;
            var view = ProbeViews.From(settled, now: time.GetUtcNow());
            return view.Runs.All(r => DeliveryStates.Settled(r.Delivery)) ? TypedResults.Ok(view) : TypedResults.Accepted(location, view);
        }

        // From memory: the dispatcher holds the probe's current state while it is in flight.
        var current = ended.IsCompletedSuccessfully ? ended.Result : dispatcher.Snapshot(probe.Id) ?? probe;
        return TypedResults.Accepted(location, ProbeViews.From(current));
    }

    private static async Task<Results<Ok<ProbeView>, ProblemHttpResult>> GetAsync(Guid id, IProbeStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } probe
            ? TypedResults.Ok(ProbeViews.From(probe))
            : Problems.Problem.NotFound($"No probe with id {id}.");

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetTranscriptAsync(Guid id, IProbeStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } probe
            ? TypedResults.Text(PlainTranscript.Of(ProbeViews.From(probe)), PlainTextType, System.Text.Encoding.UTF8)
            : Problems.Problem.NotFound($"No probe with id {id}.");

    private static async Task<Results<Ok<ProbeView>, ProblemHttpResult>> CancelAsync(
        Guid id, ProbeDispatcher dispatcher, IProbeStore store, IServiceProvider services, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } probe)
        {
            return Problems.Problem.NotFound($"No probe with id {id}.");
        }

        if (dispatcher.Cancel(id) && dispatcher.Ended(id) is { } ended)
        {
            await FinishesWithinAsync(ended, TimeSpan.FromSeconds(10), time, cancellationToken);
        }
        else if (probe.Status == ProbeStatus.Running && services.GetService<Cluster.IClusterStore>() is { } cluster
            && await cluster.RequestCancelAsync(id, time.GetUtcNow(), cancellationToken))
        {
            // Another replica runs it: it cancels at the notification; answer once it has ended there (or after 10 s).
            var until = time.GetUtcNow().AddSeconds(10);
            var signals = services.GetRequiredService<Cluster.ClusterSignals>();
            while (time.GetUtcNow() < until && await store.GetAsync(id, cancellationToken) is { Status: ProbeStatus.Running })
            {
                await signals.WaitAsync(Cluster.ClusterChannels.Events, Storage.Database.HotPathSql.Key(id), cancellationToken);
            }
        }

        return TypedResults.Ok(ProbeViews.From((await store.GetAsync(id, CancellationToken.None))!));
    }

    private static TimeSpan Remaining(DateTimeOffset until, TimeProvider time) =>
        until > time.GetUtcNow() ? until - time.GetUtcNow() : TimeSpan.Zero;

    private static async Task<bool> FinishesWithinAsync(Task ended, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await ended.WaitAsync(wait, time, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }
}
