using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Monitors.Scheduling;
using SmtpProbeHub.Api.Monitors.Webhooks;
using SmtpProbeHub.Api.Problems;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Security;
using SmtpProbeHub.Api.Storage;

namespace SmtpProbeHub.Api.Monitors;

internal static class MonitorEndpoints
{
    public const string NameTakenType = ProblemTypes.Base + "monitor-name-taken";
    public const string LimitReachedType = ProblemTypes.Base + "monitor-limit-reached";
    public const int MaxAlertsListed = 500;

    public static RouteGroupBuilder MapMonitorsApi(this IEndpointRouteBuilder app)
    {
        // The same access rules as /api/v1/probes: API key, per-client rate limit.
        var group = app.MapGroup("/api/v1/monitors").WithTags("Monitors").RequireApiAccess();
        group.MapPost("/", CreateAsync).WithName("CreateMonitor")
            .WithSummary("Run the KB 153119 test on a schedule from every selected agent, with alerts and signed webhooks.")
            .WithDescription("201 with a Location. The probe template is validated exactly as POST /api/v1/probes. 409 monitor_name_taken when the name is in use, 409 monitor_limit_reached when the hub holds Hub:Monitors:MaxMonitors; "
                + "400 when the schedule's slots are closer than Hub:Monitors:MinIntervalSeconds (60); "
                + "422 target_not_allowed when the probe's port or server address, or a webhook URL, is outside the target policy.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/", ListAsync).WithName("ListMonitors").WithSummary("List monitors by name, with paging.").ProducesValidationProblem();
        group.MapGet("/{id:guid}", GetAsync).WithName("GetMonitor")
            .WithSummary("A monitor with its schedule and the state of every vantage point.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPut("/{id:guid}", UpdateAsync).WithName("UpdateMonitor")
            .WithSummary("Replace a monitor's definition; a webhook given without a secret keeps the secret of the webhook with the same URL.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{id:guid}/pause", (Guid id, IMonitorStore store, TimeProvider time, CancellationToken ct) => SetPausedAsync(id, true, store, time, ct))
            .WithName("PauseMonitor").WithSummary("Pause: no slot runs until resumed (idempotent).").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{id:guid}/resume", (Guid id, IMonitorStore store, TimeProvider time, CancellationToken ct) => SetPausedAsync(id, false, store, time, ct))
            .WithName("ResumeMonitor").WithSummary("Resume: the next slot after now runs (missed slots do not).").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteMonitor")
            .WithSummary("Delete a monitor with its states, alerts and pending deliveries; its probes stay.").ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/{id:guid}/alerts", AlertsAsync).WithName("MonitorAlerts")
            .WithSummary("A monitor's alerts, newest first, each with the webhook payload and every delivery attempt.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <param name="request">The monitor.</param>
    private static async Task<Results<Created<MonitorView>, ProblemHttpResult>> CreateAsync(
        [FromBody] MonitorRequest request, IMonitorStore store, HubTargetPolicies targets, WebhookPolicy webhooks, ReturnAddresses returns, IOptions<MonitorOptions> options,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (await CheckAsync(request, null, targets, webhooks, returns, options.Value, cancellationToken) is { } problem)
        {
            return problem;
        }

        if ((await store.ListMonitorsAsync(1, 1, cancellationToken)).Total >= options.Value.MaxMonitors)
        {
            return Problem.Create(StatusCodes.Status409Conflict, LimitReachedType, "The hub holds as many monitors as it may.",
                $"This hub holds at most {options.Value.MaxMonitors} monitors (Hub:Monitors:MaxMonitors); delete one first.", "monitor_limit_reached");
        }

        var id = Guid.CreateVersion7();
        var now = StoredTime.Now(time);
        var definition = MonitorDefinition.From(request, null);
        var monitor = new MonitorRecord
        {
            Id = id,
            Definition = definition,
            Paused = request.Paused ?? false,
            CreatedAt = now,
            UpdatedAt = now,
            NextDueAt = definition.ParsedSchedule().NextSlotAfter(now, id),
        };
        if (!await store.CreateMonitorAsync(monitor, cancellationToken))
        {
            return NameTaken(definition.Name);
        }

        return TypedResults.Created($"/api/v1/monitors/{id}", MonitorViews.From(monitor));
    }

    /// <param name="page">1-based page number (default 1).</param>
    /// <param name="pageSize">Monitors per page, 1–200 (default 50).</param>
    private static async Task<Results<Ok<MonitorListView>, ProblemHttpResult>> ListAsync(int? page, int? pageSize, IMonitorStore store, CancellationToken cancellationToken)
    {
        if (page is < 1 or > 1_000_000 || pageSize is < 1 or > 200)
        {
            return Problem.Validation(new Dictionary<string, string[]> { [page is < 1 or > 1_000_000 ? "page" : "pageSize"] = ["page is 1–1000000, pageSize 1–200."] });
        }

        var (items, total) = await store.ListMonitorsAsync(page ?? 1, pageSize ?? 50, cancellationToken);
        return TypedResults.Ok(new MonitorListView([.. items.Select(m => MonitorViews.From(m))], page ?? 1, pageSize ?? 50, total));
    }

    private static async Task<Results<Ok<MonitorView>, ProblemHttpResult>> GetAsync(Guid id, IMonitorStore store, CancellationToken cancellationToken) =>
        await store.GetMonitorAsync(id, cancellationToken) is { } monitor
            ? TypedResults.Ok(MonitorViews.From(monitor, await store.VantageStatesAsync(id, cancellationToken)))
            : NotFound(id);

    /// <param name="request">The monitor's new definition.</param>
    private static async Task<Results<Ok<MonitorView>, ProblemHttpResult>> UpdateAsync(
        Guid id, [FromBody] MonitorRequest request, IMonitorStore store, HubTargetPolicies targets, WebhookPolicy webhooks, ReturnAddresses returns, MonitorMetrics metrics,
        IOptions<MonitorOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.GetMonitorAsync(id, cancellationToken) is not { } existing)
        {
            return NotFound(id);
        }

        if (await CheckAsync(request, existing.Definition, targets, webhooks, returns, options.Value, cancellationToken) is { } problem)
        {
            return problem;
        }

        var now = StoredTime.Now(time);
        var definition = MonitorDefinition.From(request, existing.Definition);
        var paused = request.Paused ?? existing.Paused;
        switch (await store.UpdateMonitorAsync(id, definition, paused, definition.ParsedSchedule().NextSlotAfter(now, id), now, cancellationToken))
        {
            case MonitorWrite.NotFound:
                return NotFound(id);
            case MonitorWrite.NameTaken:
                return NameTaken(definition.Name);
        }

        var states = await store.VantageStatesAsync(id, cancellationToken);
        metrics.Update(id, definition.Name, states);
        return TypedResults.Ok(MonitorViews.From((await store.GetMonitorAsync(id, cancellationToken))!, states));
    }

    private static async Task<Results<Ok<MonitorView>, ProblemHttpResult>> SetPausedAsync(Guid id, bool paused, IMonitorStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.GetMonitorAsync(id, cancellationToken) is not { } monitor)
        {
            return NotFound(id);
        }

        var now = StoredTime.Now(time);
        // Resuming starts at the next slot from now: whatever was missed while paused does not run.
        var next = paused ? monitor.NextDueAt : monitor.Definition.ParsedSchedule().NextSlotAfter(now, id);
        if (monitor.Paused != paused && !await store.SetPausedAsync(id, paused, next, now, cancellationToken))
        {
            return NotFound(id);
        }

        return TypedResults.Ok(MonitorViews.From((await store.GetMonitorAsync(id, cancellationToken))!, await store.VantageStatesAsync(id, cancellationToken)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, IMonitorStore store, MonitorMetrics metrics, CancellationToken cancellationToken)
    {
        if (!await store.DeleteMonitorAsync(id, cancellationToken))
        {
            return NotFound(id);
        }

        metrics.Remove(id);
        return TypedResults.NoContent();
    }

    /// <param name="limit">The newest alerts to list, 1–500 (default 100).</param>
    private static async Task<Results<Ok<IReadOnlyList<AlertView>>, ProblemHttpResult>> AlertsAsync(Guid id, int? limit, IMonitorStore store, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxAlertsListed)
        {
            return Problem.Validation(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxAlertsListed}."] });
        }

        if (await store.GetMonitorAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var alerts = await store.AlertsAsync(id, limit ?? 100, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<AlertView>>([.. alerts.Select(MonitorViews.From)]);
    }

    /// <summary>Validation (400) then the target policies (422): the probe template's port and server address, and every webhook URL.</summary>
    private static async Task<ProblemHttpResult?> CheckAsync(
        MonitorRequest request, MonitorDefinition? previous, HubTargetPolicies targets, WebhookPolicy webhooks, ReturnAddresses returns, MonitorOptions options,
        CancellationToken cancellationToken)
    {
        var errors = MonitorValidator.Validate(request, previous);
        if (errors.Count > 0)
        {
            return Problem.Validation(errors);
        }

        // As for a probe: without a receiver every run of this template would end noReport.
        if (returns.ConfirmRefused(request.Probe!.Dsn is { Confirm: true }, "probe.dsn.confirm") is { } noReceiver)
        {
            return Problem.Validation(noReceiver);
        }

        var gap = MonitorSchedule.From(request.Schedule!).ShortestGap();
        if (gap < TimeSpan.FromSeconds(options.MinIntervalSeconds))
        {
            return Problem.Validation(new Dictionary<string, string[]>
            {
                ["schedule"] = [$"This hub runs a monitor at most every {options.MinIntervalSeconds} s (Hub:Monitors:MinIntervalSeconds); this schedule has slots {gap.TotalSeconds:0.###} s apart."],
            });
        }

        var labels = request.Probe!.Agents?.Labels ?? new Dictionary<string, string>();
        if (targets.CheckPlan(request.Probe.ToPlan(), labels) is { Allowed: false } refused)
        {
            return Refused("probe", refused.Rule!);
        }

        var hooks = request.Notify?.Webhooks ?? [];
        for (var i = 0; i < hooks.Count; i++)
        {
            if (await webhooks.CheckUrlAsync(new Uri(hooks[i].Url!.Trim()), cancellationToken) is { Allowed: false } refusedHook)
            {
                return Refused($"notify.webhooks[{i}].url", refusedHook.Rule!);
            }
        }

        return null;
    }

    private static ProblemHttpResult Refused(string field, string rule) =>
        Problem.Create(StatusCodes.Status422UnprocessableEntity, ProblemTypes.TargetNotAllowed, "The target is not allowed by the target policy.",
            $"{field}: {rule}. Nothing was saved.", "target_not_allowed", new Dictionary<string, object?> { ["rule"] = rule, ["field"] = field });

    private static ProblemHttpResult NotFound(Guid id) => Problem.NotFound($"No monitor with id {id}.");

    private static ProblemHttpResult NameTaken(string name) =>
        Problem.Create(StatusCodes.Status409Conflict, NameTakenType, "The monitor name is in use.", $"Another monitor is named '{name}'.", "monitor_name_taken");
}
