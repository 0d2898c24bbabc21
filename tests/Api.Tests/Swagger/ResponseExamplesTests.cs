using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Agents;
using SmtpProbeHub.Api.Probes;
using SmtpProbeHub.Api.Swagger;
using SmtpProbeHub.Api.Tests.Support;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace SmtpProbeHub.Api.Tests.Swagger;

/// <summary>
/// Swagger UI's response examples are recorded answers; these tests keep them the contract's shape as it changes: each
/// reads as the type it illustrates with the hub's own JSON options (an unknown field or enum value fails) and writes
/// back the same JSON (a missing or renamed field fails).
/// </summary>
public sealed class ResponseExamplesTests
{
    [Theory]
    [InlineData(ResponseExamples.Passed, typeof(ProbeView))]
    [InlineData(ResponseExamples.FailedOutsideTimeout, typeof(ProbeView))]
    [InlineData(ResponseExamples.Accepted, typeof(ProbeView))]
    [InlineData(ResponseExamples.List, typeof(ProbeListView))]
    [InlineData(ResponseExamples.Agents, typeof(List<AgentStatusView>))]
    public async Task Example_ReadsAsItsType_AndWritesBackTheSameJson(string name, Type type)
    {
        await using var hub = new HubFactory(new FakeRunner());
        var options = hub.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var example = ResponseExamples.File(name);

        var read = example.Deserialize(type, options);
        var written = JsonSerializer.SerializeToNode(read, type, options);

        Assert.True(JsonNode.DeepEquals(example, written), $"{name} differs from the contract when written back:\n{written}");
    }

    [Fact]
    public void Examples_TellThePassedAndTheFailedRunApart()
    {
        var passed = ResponseExamples.File(ResponseExamples.Passed);
        var failed = ResponseExamples.File(ResponseExamples.FailedOutsideTimeout);

        Assert.All(passed["runs"]!.AsArray(), run => Assert.Equal("passed", (string?)run!["verdict"]));
        Assert.True((bool)passed["comparison"]!["agree"]!);
        var outside = failed["runs"]!.AsArray().Single(r => (string?)r!["agent"]!["labels"]!["zone"] == "outside")!;
        Assert.Equal("connect", (string?)outside["failedStep"]);
        Assert.Equal("connect.timeout", (string?)outside["diagnosis"]!["code"]);
        Assert.Equal("path.inbound_filtered", (string?)failed["comparison"]!["findings"]![0]!["code"]);
    }

    [Fact]
    public void ProblemExamples_HaveTheHubsTypeStatusAndCode()
    {
        foreach (var (code, problem) in ResponseExamples.File(ResponseExamples.Problems).AsObject())
        {
            Assert.StartsWith(ProblemAssert.TypeBase, (string?)problem!["type"], StringComparison.Ordinal);
            Assert.Equal(code == "invalid_query" ? "validation_failed" : code, (string?)problem["code"]);
            Assert.InRange((int)problem["status"]!, 400, 599);
            Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        }
    }
}
