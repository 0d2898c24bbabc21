using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.Api.Tests.Support;

namespace SmtpProbeHub.Api.Tests.Swagger;

public sealed class OpenApiSnapshotTests
{
    /// <summary>
    /// The public contract is reviewed as a file: when the generated document differs from the committed
    /// snapshot the test writes the new one beside it (openapi.received.json) and fails.
    /// </summary>
    [Fact]
    public async Task OpenApiDocument_MatchesTheCommittedSnapshot()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var json = await hub.CreateClient().GetStringAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken);
        var generated = JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }).ReplaceLineEndings("\n") + "\n";
        var snapshot = Path.Combine(SnapshotDirectory(), "openapi.json");
        var received = Path.Combine(SnapshotDirectory(), "openapi.received.json");

        var expected = File.Exists(snapshot) ? (await File.ReadAllTextAsync(snapshot, TestContext.Current.CancellationToken)).ReplaceLineEndings("\n") : null;
        if (expected != generated)
        {
            await File.WriteAllTextAsync(received, generated, TestContext.Current.CancellationToken);
            Assert.Fail($"The OpenAPI document changed. Review {received} and, if intended, copy it over {snapshot}.");
        }

        File.Delete(received);
    }

    [Fact]
    public async Task OpenApiDocument_HasApiKeySchemeEnumsAsStringsAndTheKbExample()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var doc = JsonNode.Parse(await hub.CreateClient().GetStringAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken))!;

        var scheme = doc["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("apiKey", scheme["type"]!.GetValue<string>());
        Assert.Equal("X-Api-Key", scheme["name"]!.GetValue<string>());
        Assert.Equal("header", scheme["in"]!.GetValue<string>());
        var tls = doc["components"]!["schemas"]!["TlsMode"]!;
        Assert.Equal(["none", "opportunistic", "required", "implicit"], tls["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        var example = doc["paths"]!["/api/v1/probes"]!["post"]!["requestBody"]!["content"]!["application/json"]!["example"]!;
        Assert.Equal("admin@test.com", example["from"]!.GetValue<string>());
        Assert.Equal("alice@corp.test", example["to"]![0]!.GetValue<string>());
        Assert.Equal("test.com", example["helo"]!.GetValue<string>());
        Assert.Equal("test message", example["message"]!["subject"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(doc["components"]!["schemas"]!["ProbeRequest"]!["properties"]!["from"]!["description"]?.GetValue<string>()));
    }

    [Fact]
    public async Task OpenApiDocument_PrefillsWait_ListsEveryEnumsValues_AndDocumentsThePlainTranscript()
    {
        await using var hub = new HubFactory(new FakeRunner());
        var doc = JsonNode.Parse(await hub.CreateClient().GetStringAsync("/swagger/v1/swagger.json", TestContext.Current.CancellationToken))!;

        var create = doc["paths"]!["/api/v1/probes"]!["post"]!;
        Assert.Equal(30, create["parameters"]!.AsArray().Single(p => (string?)p!["name"] == "wait")!["example"]!.GetValue<int>());
        Assert.Equal(["passed", "failedOutsideTimeout"], create["responses"]!["200"]!["content"]!["application/json"]!["examples"]!.AsObject().Select(e => e.Key));
        var list = doc["paths"]!["/api/v1/probes"]!["get"]!["parameters"]!.AsArray();
        Assert.Equal(["running", "completed", "canceled"], Enum(list.Single(p => (string?)p!["name"] == "status")!["schema"]!));
        Assert.Equal(["passed", "failed"], Enum(list.Single(p => (string?)p!["name"] == "verdict")!["schema"]!));
        Assert.Equal(["online", "offline"], Enum(doc["components"]!["schemas"]!["AgentStatusView"]!["properties"]!["status"]!));
        var transcript = doc["paths"]!["/api/v1/probes/{id}/transcript"]!["get"]!["responses"]!;
        Assert.Contains("=== outside-1, zone outside: failed at connect", transcript["200"]!["content"]!["text/plain"]!["example"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(transcript["404"]);
        Assert.NotNull(transcript["401"]);
    }

    private static IEnumerable<string> Enum(JsonNode schema) => schema["enum"]!.AsArray().Select(v => v!.GetValue<string>());

    private static string SnapshotDirectory([CallerFilePath] string path = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(path))!, "Snapshots");
}
