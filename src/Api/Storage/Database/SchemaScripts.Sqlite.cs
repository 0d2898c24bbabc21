namespace SmtpProbeHub.Api.Storage.Database;

/// <summary>
/// The schema, one numbered list of scripts per provider. A change is a new entry at the end of each list, never an edit
/// of an old one: a database records which of its provider's scripts ran (<see cref="SchemaMigrator"/>). Both lists
/// define the same tables and columns, because the store's SQL is the same for both; the storage tests run it on each.
/// </summary>
internal static partial class SchemaScripts
{
    public static IReadOnlyList<SchemaScript> For(StorageProvider provider) => provider == StorageProvider.Postgres ? Postgres : Sqlite;

    public static readonly IReadOnlyList<SchemaScript> Sqlite =
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

        // 8: several hubs on one database (issue 12): which hub owns a probe, cancels asked on another hub, live events for
        // readers on other hubs, the hubs' and agents' leases, and runs relayed to the hub that holds the agent's stream.
        // Used only on PostgreSQL (SQLite is one hub); here so both providers keep one schema and one set of statements.
        """
        ALTER TABLE probes ADD COLUMN Replica TEXT NULL;
        ALTER TABLE probes ADD COLUMN CancelRequestedAtMs INTEGER NULL;
        CREATE TABLE probe_events (
            ProbeId TEXT NOT NULL,
            Seq INTEGER NOT NULL,
            Type TEXT NOT NULL,
            DataJson TEXT NOT NULL,
            PRIMARY KEY (ProbeId, Seq));
        CREATE TABLE replicas (
            Id TEXT NOT NULL PRIMARY KEY,
            InstanceKey TEXT NOT NULL,
            StartedAtMs INTEGER NOT NULL,
            LeaseUntilMs INTEGER NOT NULL);
        CREATE TABLE agent_presence (
            AgentId TEXT NOT NULL PRIMARY KEY,
            Replica TEXT NOT NULL,
            Name TEXT NOT NULL,
            LabelsJson TEXT NOT NULL,
            Capacity INTEGER NOT NULL,
            InFlight INTEGER NOT NULL,
            Version TEXT NULL,
            RemoteAddress TEXT NULL,
            Credential TEXT NULL,
            ConnectedAtMs INTEGER NOT NULL,
            LastSeenMs INTEGER NOT NULL,
            LeaseUntilMs INTEGER NOT NULL);
        CREATE TABLE run_relay (
            RunId TEXT NOT NULL PRIMARY KEY,
            ProbeId TEXT NOT NULL,
            AgentId TEXT NOT NULL,
            FromReplica TEXT NOT NULL,
            Sealed TEXT NOT NULL,
            CreatedAtMs INTEGER NOT NULL,
            ClaimedBy TEXT NULL,
            ClaimedAtMs INTEGER NULL,
            CancelRequested INTEGER NOT NULL DEFAULT 0,
            Outcome TEXT NULL,
            ResultJson TEXT NULL,
            Detail TEXT NULL,
            StoredAtMs INTEGER NULL);
        CREATE INDEX IX_run_relay_AgentId ON run_relay (AgentId, CreatedAtMs);
        CREATE TABLE run_relay_progress (
            Id INTEGER PRIMARY KEY AUTOINCREMENT,
            RunId TEXT NOT NULL,
            Kind TEXT NOT NULL,
            Json TEXT NOT NULL);
        CREATE INDEX IX_run_relay_progress_RunId ON run_relay_progress (RunId, Id);
        """,
    ];
}
