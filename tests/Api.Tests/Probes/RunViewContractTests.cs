using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.Api.Dispatch;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Tests.Probes;

/// <summary>
/// The REST run is flat: the engine's <see cref="ProbeResult"/> properties sit beside the run's own (DESIGN.md).
/// These tests fail when a result property is added to the engine but not to the run's JSON or to the OpenAPI snapshot,
/// so a new result field cannot be silently dropped from REST.
/// </summary>
public sealed class RunViewContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A result with every property set, so a property the view does not copy shows as a difference.</summary>
    private static readonly ProbeResult Full = new()
    {
        Verdict = Verdict.Failed,
        FailedStep = StepName.Rcpt,
        Diagnosis = new Diagnosis("rcpt.rejected", "The server refused the recipient.", "Check the address."),
        Server = new ServerEndpoint("mx.corp.test", "192.0.2.25", 25),
        DurationMs = 42.5,
        Steps = [new ProbeStep(StepName.Rcpt, "RCPT TO:<a@corp.test>", StepOutcome.Rejected, new SmtpReply(550, "5.1.1", ["5.1.1 unknown"]), T0, 1.5)],
        Transcript = [new TranscriptEntry(0, TranscriptDirection.Sent, "RCPT TO:<a@corp.test>")],
        Resolution = new ResolutionReport("corp.test", false, [new MailHost("mx.corp.test", 10, ["192.0.2.25"])]),
        Capabilities = new EhloCapabilities { ServerName = "mx.corp.test", Keywords = ["PIPELINING"] },
        Tls = new TlsReport { Protocol = "Tls13" },
        QueueId = "ABC123",
    };

    public static TheoryData<string> ResultProperties() =>
        [.. typeof(ProbeResult).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name))];

    [Theory]
    [MemberData(nameof(ResultProperties))]
    public void RunJson_CarriesTheResultProperty_AsTheEngineWroteIt(string name)
    {
        var result = JsonSerializer.SerializeToNode(Full, ProbeJson.Options)!.AsObject();
        var run = JsonSerializer.SerializeToNode(ProbeViews.From(CompletedRun(Full)), ProbeJson.Options)!.AsObject();

        Assert.True(result[name] is not null, $"The test's result leaves '{name}' unset: give it a value so its copy is checked.");
        Assert.True(run.ContainsKey(name), $"ProbeResult.{name} is missing from the REST run (RunView / ProbeViews.From).");
        Assert.True(JsonNode.DeepEquals(result[name], run[name]), $"The REST run's '{name}' differs from the result's: {run[name]?.ToJsonString()} vs {result[name]!.ToJsonString()}.");
    }

    [Theory]
    [MemberData(nameof(ResultProperties))]
    public void OpenApiSnapshot_RunSchema_DocumentsTheResultProperty(string name)
    {
        var snapshot = JsonNode.Parse(File.ReadAllText(Path.Combine(SnapshotDirectory(), "openapi.json")))!;
        var properties = snapshot["components"]!["schemas"]!["RunView"]!["properties"]!.AsObject();

        Assert.True(properties.ContainsKey(name), $"ProbeResult.{name} is missing from the RunView schema of the OpenAPI snapshot.");
    }

    private static RunRecord CompletedRun(ProbeResult result) => new()
    {
        Id = Guid.NewGuid(),
        ProbeId = Guid.NewGuid(),
        Ordinal = 0,
        Agent = new AgentRef("a1", "outside-1", new Dictionary<string, string> { ["zone"] = "outside" }),
        Status = RunStatus.Completed,
        StartedAt = T0,
        EndedAt = T0.AddSeconds(1),
        Result = result,
    };

    private static string SnapshotDirectory([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(path))!, "Snapshots");
}
