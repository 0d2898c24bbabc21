using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>
/// Keeps each scenario's request and the hub's answer in <c>artifacts/scenarios/</c> (git-ignored), so what the
/// docs (docs/outside.md, docs/api.md) show can be taken from a real run.
/// </summary>
internal static class ScenarioRecord
{
    public static void Write(string scenario, JsonObject request, JsonObject probe)
    {
        var folder = Artifacts.Folder("scenarios");
        var record = new JsonObject { ["request"] = request.DeepClone(), ["response"] = probe.DeepClone() };
        File.WriteAllText(Path.Combine(folder, $"scenario-{scenario}.json"), record.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
