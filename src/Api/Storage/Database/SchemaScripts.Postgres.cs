namespace SmtpProbeHub.Api.Storage.Database;

internal static partial class SchemaScripts
{
    /// <summary>
    /// PostgreSQL: the same tables as SQLite's seven scripts, created in one (PostgreSQL support began with them all).
    /// Identifiers are unquoted, so PostgreSQL folds them to lower case and the shared SQL finds them either way; keys are
    /// text in the "C" collation, so they sort byte-wise as on SQLite (the listing's tie-break, retention's order).
    /// </summary>
    public static readonly IReadOnlyList<SchemaScript> Postgres =
    [
        // 1: everything SQLite's scripts 1–7 define.
        """
        CREATE TABLE probes (
            Id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            CreatedAtMs BIGINT NOT NULL,
            Status TEXT NOT NULL,
            PlanJson TEXT NOT NULL,
            Server TEXT NULL,
            Domain TEXT NULL,
            EndedAtMs BIGINT NULL,
            BodyBytes BIGINT NULL,
            BodySha256 TEXT NULL,
            BodyTruncated BOOLEAN NOT NULL DEFAULT FALSE,
            MonitorId TEXT COLLATE "C" NULL);
        CREATE INDEX IX_probes_CreatedAtMs_Id ON probes (CreatedAtMs DESC, Id);
        CREATE INDEX IX_probes_MonitorId ON probes (MonitorId, CreatedAtMs DESC);
        CREATE TABLE runs (
            Id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            ProbeId TEXT COLLATE "C" NOT NULL REFERENCES probes (Id) ON DELETE CASCADE,
            Ordinal INTEGER NOT NULL,
            AgentId TEXT NOT NULL,
            AgentName TEXT NOT NULL,
            AgentLabelsJson TEXT NOT NULL,
            Status TEXT NOT NULL,
            Verdict TEXT NULL,
            StartedAtMs BIGINT NULL,
            EndedAtMs BIGINT NULL,
            ResultJson TEXT NULL,
            DiagnosisJson TEXT NULL,
            StepsJson TEXT NULL,
            TranscriptJson TEXT NULL);
        CREATE INDEX IX_runs_ProbeId ON runs (ProbeId);
        CREATE INDEX IX_runs_Status ON runs (Status);

        CREATE TABLE agent_identities (
            AgentId TEXT NOT NULL PRIMARY KEY,
            TokenName TEXT NOT NULL,
            KeySha256 TEXT NOT NULL,
            EnrolledAtMs BIGINT NOT NULL,
            RevokedAtMs BIGINT NULL);
        CREATE INDEX IX_agent_identities_TokenName ON agent_identities (TokenName);

        CREATE TABLE store_identity (Marker TEXT NOT NULL, CheckedAtMs BIGINT NULL);
        INSERT INTO store_identity (Marker) VALUES (md5(random()::text || clock_timestamp()::text));

        CREATE TABLE dsn_reports (
            Id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            RunId TEXT COLLATE "C" NOT NULL,
            ReceivedAtMs BIGINT NOT NULL,
            ReportJson TEXT NOT NULL,
            Raw TEXT NOT NULL);
        CREATE INDEX IX_dsn_reports_RunId ON dsn_reports (RunId);
        CREATE FUNCTION dsn_reports_follow_runs() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM dsn_reports WHERE RunId = OLD.Id;
            RETURN OLD;
        END $$;
        CREATE TRIGGER dsn_reports_follow_runs AFTER DELETE ON runs FOR EACH ROW EXECUTE FUNCTION dsn_reports_follow_runs();
        -- One key for every hub sharing the database: the singleton column makes a second key a conflict, not a second row.
        CREATE TABLE return_key (Singleton BOOLEAN NOT NULL DEFAULT TRUE PRIMARY KEY CHECK (Singleton), KeyHex TEXT NOT NULL);

        CREATE TABLE monitors (
            Id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            Name TEXT NOT NULL UNIQUE,
            DefinitionJson TEXT NOT NULL,
            Paused BOOLEAN NOT NULL DEFAULT FALSE,
            CreatedAtMs BIGINT NOT NULL,
            UpdatedAtMs BIGINT NOT NULL,
            NextDueMs BIGINT NOT NULL,
            LastSlotMs BIGINT NULL,
            LastProbeId TEXT COLLATE "C" NULL,
            SkippedSlots BIGINT NOT NULL DEFAULT 0,
            LastSkippedAtMs BIGINT NULL);
        CREATE INDEX IX_monitors_Due ON monitors (Paused, NextDueMs);
        CREATE TABLE monitor_vantage (
            MonitorId TEXT COLLATE "C" NOT NULL,
            AgentId TEXT NOT NULL,
            StateJson TEXT NOT NULL,
            UpdatedAtMs BIGINT NOT NULL,
            PRIMARY KEY (MonitorId, AgentId));
        CREATE TABLE monitor_alerts (
            Id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            MonitorId TEXT COLLATE "C" NOT NULL,
            AtMs BIGINT NOT NULL,
            Kind TEXT NOT NULL,
            PayloadJson TEXT NOT NULL);
        CREATE INDEX IX_monitor_alerts_MonitorId ON monitor_alerts (MonitorId, AtMs DESC);
        CREATE TABLE monitor_deliveries (
            Id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            AlertId TEXT COLLATE "C" NOT NULL,
            MonitorId TEXT COLLATE "C" NOT NULL,
            TargetIndex INTEGER NOT NULL,
            Url TEXT NOT NULL,
            Status TEXT NOT NULL,
            Rounds INTEGER NOT NULL DEFAULT 0,
            NextAttemptMs BIGINT NOT NULL,
            LeaseUntilMs BIGINT NULL,
            AttemptsJson TEXT NOT NULL DEFAULT '[]',
            DeliveredAtMs BIGINT NULL);
        CREATE INDEX IX_monitor_deliveries_Due ON monitor_deliveries (Status, NextAttemptMs);
        CREATE INDEX IX_monitor_deliveries_AlertId ON monitor_deliveries (AlertId);
        """,

        // 2: as SQLite's 8: several hubs on one database (issue 12).
        """
        ALTER TABLE probes ADD COLUMN Replica TEXT NULL;
        ALTER TABLE probes ADD COLUMN CancelRequestedAtMs BIGINT NULL;
        CREATE TABLE probe_events (
            ProbeId TEXT COLLATE "C" NOT NULL,
            Seq BIGINT NOT NULL,
            Type TEXT NOT NULL,
            DataJson TEXT NOT NULL,
            PRIMARY KEY (ProbeId, Seq));
        CREATE TABLE replicas (
            Id TEXT NOT NULL PRIMARY KEY,
            InstanceKey TEXT NOT NULL,
            StartedAtMs BIGINT NOT NULL,
            LeaseUntilMs BIGINT NOT NULL);
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
            ConnectedAtMs BIGINT NOT NULL,
            LastSeenMs BIGINT NOT NULL,
            LeaseUntilMs BIGINT NOT NULL);
        CREATE TABLE run_relay (
            RunId TEXT COLLATE "C" NOT NULL PRIMARY KEY,
            ProbeId TEXT COLLATE "C" NOT NULL,
            AgentId TEXT NOT NULL,
            FromReplica TEXT NOT NULL,
            Sealed TEXT NOT NULL,
            CreatedAtMs BIGINT NOT NULL,
            ClaimedBy TEXT NULL,
            ClaimedAtMs BIGINT NULL,
            CancelRequested BOOLEAN NOT NULL DEFAULT FALSE,
            Outcome TEXT NULL,
            ResultJson TEXT NULL,
            Detail TEXT NULL,
            StoredAtMs BIGINT NULL);
        CREATE INDEX IX_run_relay_AgentId ON run_relay (AgentId, CreatedAtMs);
        CREATE TABLE run_relay_progress (
            Id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            RunId TEXT COLLATE "C" NOT NULL,
            Kind TEXT NOT NULL,
            Json TEXT NOT NULL);
        CREATE INDEX IX_run_relay_progress_RunId ON run_relay_progress (RunId, Id);
        """,
    ];
}
