using System.Data.Common;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>
/// Brings the SQLite schema up to date: a <c>schema_version</c> table records which numbered script ran,
/// each new script runs once in its own transaction (or, for what SQLite cannot do in one, such as VACUUM, outside
/// any: those must be safe to run twice). Schema changes are a new entry at the end of <see cref="Scripts"/>, never
/// an edit of an old one. A database written by a newer hub is refused.
/// </summary>
internal static class SchemaMigrator
{
    public static readonly IReadOnlyList<SchemaScript> Scripts =
    [
        // 1: probes and runs
        """
        CREATE TABLE probes (
            Id TEXT NOT NULL PRIMARY KEY,
            CreatedAtMs INTEGER NOT NULL,
            Status TEXT NOT NULL,
            PlanJson TEXT NOT NULL,
            Server TEXT NULL,
            Domain TEXT NULL,
            EndedAtMs INTEGER NULL);
        CREATE INDEX IX_probes_CreatedAtMs_Id ON probes (CreatedAtMs DESC, Id);
        CREATE TABLE runs (
            Id TEXT NOT NULL PRIMARY KEY,
            ProbeId TEXT NOT NULL REFERENCES probes (Id) ON DELETE CASCADE,
            Ordinal INTEGER NOT NULL,
            AgentId TEXT NOT NULL,
            AgentName TEXT NOT NULL,
            AgentLabelsJson TEXT NOT NULL,
            Status TEXT NOT NULL,
            Verdict TEXT NULL,
            StartedAtMs INTEGER NULL,
            EndedAtMs INTEGER NULL,
            ResultJson TEXT NULL,
            DiagnosisJson TEXT NULL,
            StepsJson TEXT NULL,
            TranscriptJson TEXT NULL);
        CREATE INDEX IX_runs_ProbeId ON runs (ProbeId);
        CREATE INDEX IX_runs_Status ON runs (Status);
        """,

        // 2: agent identities (which token enrolled an agent id, with the digest of the agent's own key)
        """
        CREATE TABLE agent_identities (
            AgentId TEXT NOT NULL PRIMARY KEY,
            TokenName TEXT NOT NULL,
            KeySha256 TEXT NOT NULL,
            EnrolledAtMs INTEGER NOT NULL,
            RevokedAtMs INTEGER NULL);
        CREATE INDEX IX_agent_identities_TokenName ON agent_identities (TokenName);
        """,

        // 3: the message body is stored cut to Hub:Storage:MaxStoredBodyBytes; the whole body's size and digest stay.
        // Older rows keep their whole body and NULL here (the digest is then computed from it on reading).
        """
        ALTER TABLE probes ADD COLUMN BodyBytes INTEGER NULL;
        ALTER TABLE probes ADD COLUMN BodySha256 TEXT NULL;
        ALTER TABLE probes ADD COLUMN BodyTruncated INTEGER NOT NULL DEFAULT 0;
        """,

        // 4: incremental auto-vacuum, so the pages retention frees can be given back to the file system (PRAGMA
        // incremental_vacuum after each sweep). The mode of a database that has tables changes only with a VACUUM,
        // which rewrites the whole file once: quick on a new database, seconds to minutes on a large old one, and
        // it needs free disk space as large as the file. VACUUM cannot run inside a transaction.
        new("PRAGMA auto_vacuum=INCREMENTAL; VACUUM;", InTransaction: false,
            Notice: "switching the database to incremental auto-vacuum: a one-time VACUUM rewrites the whole file (needs free disk space as large as the file)"),

        // 5: this database's identity, so a file deleted or replaced under a running hub is noticed (DatabaseFileGuard);
        // CheckedAtMs is what the readiness check writes to prove storage can write.
        """
        CREATE TABLE store_identity (Marker TEXT NOT NULL, CheckedAtMs INTEGER NULL);
        INSERT INTO store_identity (Marker) VALUES (lower(hex(randomblob(16))));
        """,

        // 6: the DSNs of confirming probes (Returns/), deleted with their run; the key of the return addresses' tags.
        """
        CREATE TABLE dsn_reports (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            RunId TEXT NOT NULL,
            ReceivedAtMs INTEGER NOT NULL,
            ReportJson TEXT NOT NULL,
            Raw TEXT NOT NULL);
        CREATE INDEX IX_dsn_reports_RunId ON dsn_reports (RunId);
        CREATE TRIGGER dsn_reports_follow_runs AFTER DELETE ON runs BEGIN DELETE FROM dsn_reports WHERE RunId = old.Id; END;
        CREATE TABLE return_key (KeyHex TEXT NOT NULL);
        """,

        // 7: monitors (issue 13): the schedule's next due time is claimed with a conditional UPDATE, so one hub fires each
        // slot; per-vantage state, alert history and the webhook outbox; probes name the monitor that ran them.
        """
        CREATE TABLE monitors (
            Id TEXT NOT NULL PRIMARY KEY,
            Name TEXT NOT NULL UNIQUE,
            DefinitionJson TEXT NOT NULL,
            Paused INTEGER NOT NULL DEFAULT 0,
            CreatedAtMs INTEGER NOT NULL,
            UpdatedAtMs INTEGER NOT NULL,
            NextDueMs INTEGER NOT NULL,
            LastSlotMs INTEGER NULL,
            LastProbeId TEXT NULL,
            SkippedSlots INTEGER NOT NULL DEFAULT 0,
            LastSkippedAtMs INTEGER NULL);
        CREATE INDEX IX_monitors_Due ON monitors (Paused, NextDueMs);
        CREATE TABLE monitor_vantage (
            MonitorId TEXT NOT NULL,
            AgentId TEXT NOT NULL,
            StateJson TEXT NOT NULL,
            UpdatedAtMs INTEGER NOT NULL,
            PRIMARY KEY (MonitorId, AgentId));
        CREATE TABLE monitor_alerts (
            Id TEXT NOT NULL PRIMARY KEY,
            MonitorId TEXT NOT NULL,
            AtMs INTEGER NOT NULL,
            Kind TEXT NOT NULL,
            PayloadJson TEXT NOT NULL);
        CREATE INDEX IX_monitor_alerts_MonitorId ON monitor_alerts (MonitorId, AtMs DESC);
        CREATE TABLE monitor_deliveries (
            Id TEXT NOT NULL PRIMARY KEY,
            AlertId TEXT NOT NULL,
            MonitorId TEXT NOT NULL,
            TargetIndex INTEGER NOT NULL,
            Url TEXT NOT NULL,
            Status TEXT NOT NULL,
            Rounds INTEGER NOT NULL DEFAULT 0,
            NextAttemptMs INTEGER NOT NULL,
            LeaseUntilMs INTEGER NULL,
            AttemptsJson TEXT NOT NULL DEFAULT '[]',
            DeliveredAtMs INTEGER NULL);
        CREATE INDEX IX_monitor_deliveries_Due ON monitor_deliveries (Status, NextAttemptMs);
        CREATE INDEX IX_monitor_deliveries_AlertId ON monitor_deliveries (AlertId);
        ALTER TABLE probes ADD COLUMN MonitorId TEXT NULL;
        CREATE INDEX IX_probes_MonitorId ON probes (MonitorId, CreatedAtMs DESC);
        """,
    ];

    public static async Task<int> MigrateAsync(DbConnection connection, ILogger logger, CancellationToken cancellationToken)
    {
        // WAL lets readers (GET, SSE replay) run while a run's result is written.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL;", cancellationToken);
        await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_version (Version INTEGER NOT NULL);", cancellationToken);
        var current = await CurrentVersionAsync(connection, cancellationToken);
        if (current > Scripts.Count)
        {
            throw new InvalidOperationException(
                $"The database has schema version {current}, newer than this hub knows ({Scripts.Count}): refusing to use it.");
        }

        for (var version = current + 1; version <= Scripts.Count; version++)
        {
            var script = Scripts[version - 1];
            if (script.Notice is { } notice && current > 0)
            {
                // Only on an upgrade: on a new database every step is quick and there is nothing to explain.
                logger.LogWarning("Schema {Version}: {Notice}", version, notice);
            }

            if (!script.InTransaction)
            {
                // Interrupted before its version is recorded, it runs again at the next start: hence safe to repeat.
                await ExecuteAsync(connection, null, script.Sql, cancellationToken);
                await ExecuteAsync(connection, null, $"INSERT INTO schema_version (Version) VALUES ({version});", cancellationToken);
                continue;
            }

            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, script.Sql, cancellationToken);
            await ExecuteAsync(connection, transaction, $"INSERT INTO schema_version (Version) VALUES ({version});", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return Scripts.Count;
    }

    public static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(MAX(Version), 0) FROM schema_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>One numbered schema step. A plain string is a script run in a transaction.</summary>
/// <param name="Sql">The statements.</param>
/// <param name="InTransaction">False for statements SQLite refuses inside a transaction (VACUUM); they must be safe to repeat.</param>
/// <param name="Notice">Logged before the step runs, for steps an operator should know about (slow, disk-hungry).</param>
internal sealed record SchemaScript(string Sql, bool InTransaction = true, string? Notice = null)
{
    public static implicit operator SchemaScript(string sql) => new(sql);
}
