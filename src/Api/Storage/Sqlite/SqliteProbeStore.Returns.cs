using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SmtpProbeHub.Api.Returns;
using SmtpProbeHub.Api.Returns.Reports;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>Table <c>dsn_reports</c> (schema 6): the DSNs that came back, the parsed fields as JSON beside the raw message.</summary>
internal sealed partial class SqliteProbeStore : IDeliveryReportStore
{
    public Task<byte[]> ReturnKeyAsync(CancellationToken cancellationToken) =>
        _writer.Enqueue(async db =>
        {
            var keys = await db.Database.SqlQuery<string>($"SELECT KeyHex AS Value FROM return_key LIMIT 1").ToListAsync(cancellationToken);
            if (keys is [var hex])
            {
                return Convert.FromHexString(hex);
            }

            var key = RandomNumberGenerator.GetBytes(32);
            await db.Database.ExecuteSqlAsync($"INSERT INTO return_key (KeyHex) VALUES ({Convert.ToHexString(key)})", cancellationToken);
            return key;
        }, cancellationToken);

    public async Task<Guid?> ProbeOfRunAsync(Guid runId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var probes = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.ProbeId).ToListAsync(cancellationToken);
        return probes is [var probeId] ? probeId : null;
    }

    public Task AddAsync(DsnReport report, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(report with { Raw = "" }, ReportJson);
        return WriteAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO dsn_reports (RunId, ReceivedAtMs, ReportJson, Raw) VALUES ({HotPathSql.Key(report.RunId)}, {report.ReceivedAt.ToUnixTimeMilliseconds()}, {json}, {report.Raw})
            """, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<DsnReport>> ForRunsAsync(IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return [];
        }

        var keys = JsonSerializer.Serialize(runIds.Select(HotPathSql.Key));
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.Database.SqlQuery<ReportRow>($"""
            SELECT ReportJson, Raw FROM dsn_reports WHERE RunId IN (SELECT value FROM json_each({keys})) ORDER BY ReceivedAtMs, Id
            """).ToListAsync(cancellationToken);
        return [.. rows.Select(r => JsonSerializer.Deserialize<DsnReport>(r.ReportJson, ReportJson)! with { Raw = r.Raw })];
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

    private sealed record ReportRow(string ReportJson, string Raw);
}
