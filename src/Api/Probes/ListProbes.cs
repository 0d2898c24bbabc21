using Microsoft.AspNetCore.Http.HttpResults;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes;

/// <summary>GET /api/v1/probes: filters and paging, checked like every other input.</summary>
internal static class ListProbes
{
    public const int MaxPageSize = 200;
    public const int DefaultPageSize = 50;

    /// <param name="status">running | completed | canceled.</param>
    /// <param name="verdict">passed | failed: probes with at least one run of that verdict.</param>
    /// <param name="agent">Agent id or name: probes with a run on that agent.</param>
    /// <param name="server">The server host asked for.</param>
    /// <param name="domain">The first recipient's domain.</param>
    /// <param name="monitor">Monitor id: the probes its schedule ran.</param>
    /// <param name="createdAfter">Probes created at or after this time (ISO 8601).</param>
    /// <param name="createdBefore">Probes created before this time (ISO 8601).</param>
    /// <param name="page">1-based page number (default 1).</param>
    /// <param name="pageSize">Probes per page, 1–200 (default 50).</param>
    public static async Task<Results<Ok<ProbeListView>, ProblemHttpResult>> HandleAsync(
        string? status, string? verdict, string? agent, string? server, string? domain, Guid? monitor,
        DateTimeOffset? createdAfter, DateTimeOffset? createdBefore, int? page, int? pageSize,
        IProbeStore store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var statusValue = ParseEnum<ProbeStatus>("status", status, errors);
        var verdictValue = ParseEnum<Verdict>("verdict", verdict, errors);
        if (page is < 1)
        {
            errors["page"] = ["page starts at 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize must be between 1 and {MaxPageSize}."];
        }
        else if (page is { } p && p > LastPage(pageSize ?? DefaultPageSize))
        {
            // The store skips (page - 1) × pageSize rows, an int: past this it overflowed and answered page 1.
            errors["page"] = [$"page must be at most {LastPage(pageSize ?? DefaultPageSize)} with pageSize {pageSize ?? DefaultPageSize}."];
        }

        if (createdAfter is { } a && createdBefore is { } b && a > b)
        {
            errors["createdAfter"] = ["createdAfter must not be later than createdBefore."];
        }

        if (errors.Count > 0)
        {
            return Problems.Problem.Validation(errors);
        }

        var query = new ProbeQuery
        {
            Status = statusValue,
            Verdict = verdictValue,
            Agent = agent,
            Server = server,
            Domain = domain,
            Monitor = monitor,
            CreatedFrom = createdAfter,
            CreatedTo = createdBefore,
            Page = page ?? 1,
            PageSize = pageSize ?? DefaultPageSize,
        };
        var result = await store.ListAsync(query, cancellationToken);
        return TypedResults.Ok(new ProbeListView([.. result.Items.Select(p => ProbeViews.From(p, withDetail: false))], query.Page, query.PageSize, result.Total));
    }

    private static T? ParseEnum<T>(string field, string? value, Dictionary<string, string[]> errors) where T : struct, Enum
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (!char.IsDigit(value[0]) && Enum.TryParse<T>(value, ignoreCase: true, out var parsed))
        {
            return parsed;
        }

        errors[field] = [Problems.EnumNamesConverter.Expected<T>()];
        return null;
    }

    /// <summary>The last page whose first row, (page - 1) × pageSize, is still an int.</summary>
    private static long LastPage(int pageSize) => (long)int.MaxValue / pageSize + 1;
}
