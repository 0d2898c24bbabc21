using System.Security.Cryptography;
using System.Text.Json;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Returns.Reports;

namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>Table <c>dsn_reports</c> (schema 6): the DSNs that came back, the parsed fields as JSON beside the raw message.</summary>
internal sealed partial class HubStore : IDeliveryReportStore
{
    public Task<byte[]> ReturnKeyAsync(CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            // Hubs sharing a database must sign alike: on PostgreSQL the table holds one row at most, so of two hubs making
            // the first key at once one inserts and the other, conflicting, does nothing; both then read the one key.
            var candidate = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            if (await db.FirstOrDefaultAsync<string>($"SELECT KeyHex FROM return_key LIMIT 1", cancellationToken) is { } hex)
            {
                return Convert.FromHexString(hex);
            }

            await db.ExecuteAsync($"INSERT INTO return_key (KeyHex) VALUES ({candidate}) ON CONFLICT DO NOTHING", cancellationToken);
            return Convert.FromHexString((await db.FirstOrDefaultAsync<string>($"SELECT KeyHex FROM return_key LIMIT 1", cancellationToken))!);
        }, cancellationToken);

    public async Task<Guid?> ProbeOfRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        var probeId = await db.FirstOrDefaultAsync<string>($"SELECT ProbeId FROM runs WHERE Id = {HotPathSql.Key(runId)}", cancellationToken);
        return probeId is null ? null : Guid.Parse(probeId);
    }

    public Task AddAsync(DsnReport report, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(report with { Raw = "" }, ReportJson);
        return WriteAsync(db => db.ExecuteAsync($"""
            INSERT INTO dsn_reports (RunId, ReceivedAtMs, ReportJson, Raw) VALUES ({HotPathSql.Key(report.RunId)}, {report.ReceivedAt.ToUnixTimeMilliseconds()}, {json}, {report.Raw})
            """, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<DsnReport>> ForRunsAsync(IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        var db = Reader(connection);
        var rows = new List<ReportRow>();
        // One query per run (a probe has a run per vantage point): plain SQL alike on both providers, no array parameter.
        foreach (var runId in runIds)
        {
            rows.AddRange(await db.QueryAsync<ReportRow>($"""
                SELECT ReportJson, Raw, ReceivedAtMs, Id FROM dsn_reports WHERE RunId = {HotPathSql.Key(runId)}
                """, cancellationToken));
        }

        return [.. rows.OrderBy(r => r.ReceivedAtMs).ThenBy(r => r.Id).Select(r => JsonSerializer.Deserialize<DsnReport>(r.ReportJson, ReportJson)! with { Raw = r.Raw })];
    }

    /// <summary>A probe with the reports of its runs, when any came back (one query, only for a probe read whole).</summary>
    private async Task<ProbeRecord> WithReportsAsync(ProbeRecord probe, CancellationToken cancellationToken)
    {
        if (probe.Plan.Dsn is not { Confirm: true })
        {
            return probe;
        }

        var byRun = (await ForRunsAsync([.. probe.Runs.Select(r => r.Id)], cancellationToken)).ToLookup(r => r.RunId);
        return probe with { Runs = [.. probe.Runs.Select(r => r with { Reports = [.. byRun[r.Id]] })] };
    }

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    private sealed class ReportRow
    {
        public string ReportJson { get; set; } = "";

        public string Raw { get; set; } = "";

        public long ReceivedAtMs { get; set; }

        public long Id { get; set; }
    }
}
