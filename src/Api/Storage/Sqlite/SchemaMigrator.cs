using System.Data.Common;

namespace SmtpProbeHub.Api.Storage.Sqlite;

/// <summary>
/// Brings the SQLite schema up to date: a <c>schema_version</c> table records which numbered script ran,
/// each new script runs once in its own transaction. Schema changes are a new entry at the end of
/// <see cref="Scripts"/>, never an edit of an old one. A database written by a newer hub is refused.
/// </summary>
internal static class SchemaMigrator
{
    public static readonly IReadOnlyList<string> Scripts =
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
    ];

    public static async Task<int> MigrateAsync(DbConnection connection, CancellationToken cancellationToken)
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
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, transaction, Scripts[version - 1], cancellationToken);
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
