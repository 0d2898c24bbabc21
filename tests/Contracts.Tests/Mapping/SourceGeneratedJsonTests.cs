using System.Text.Json;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Contracts.Tests.Mapping;

/// <summary>
/// The Native AOT agent has no reflection serializer: it reads and writes the model with ProbeJson's generated
/// metadata. These pin that it speaks exactly the contract the hub (reflection) speaks.
/// </summary>
public sealed class SourceGeneratedJsonTests
{
    private static readonly JsonSerializerOptions Generated = ProbeJson.CreateSourceGenerated();

    [Fact]
    public void Plan_Written_SameBytesAsTheReflectionSerializer()
    {
        var plan = Samples.Plan();
        var defaults = new ProbePlan { To = ["a@b.test"] };

        Assert.Equal(JsonShape.Of(plan), JsonSerializer.Serialize(plan, ProbeJson.TypeInfo<ProbePlan>(Generated)));
        Assert.Equal(JsonShape.Of(defaults), JsonSerializer.Serialize(defaults, ProbeJson.TypeInfo<ProbePlan>(Generated)));
    }

    [Fact]
    public void ResultStepAndTranscriptLine_Written_SameBytesAsTheReflectionSerializer()
    {
        var result = Samples.Result();

        Assert.Equal(JsonShape.Of(result), JsonSerializer.Serialize(result, ProbeJson.TypeInfo<ProbeResult>(Generated)));
        Assert.Equal(JsonShape.Of(result.Steps[0]), JsonSerializer.Serialize(result.Steps[0], ProbeJson.TypeInfo<ProbeStep>(Generated)));
        Assert.Equal(JsonShape.Of(result.Transcript[0]), JsonSerializer.Serialize(result.Transcript[0], ProbeJson.TypeInfo<TranscriptEntry>(Generated)));
    }

    [Fact]
    public void PlanAndResult_WrittenByTheHub_ReadBackWithEveryMember()
    {
        var plan = JsonSerializer.Deserialize(JsonShape.Of(Samples.Plan()), ProbeJson.TypeInfo<ProbePlan>(Generated));
        var result = JsonSerializer.Deserialize(JsonShape.Of(Samples.Result()), ProbeJson.TypeInfo<ProbeResult>(Generated));

        Assert.Equal(JsonShape.Of(Samples.Plan()), JsonShape.Of(plan));
        Assert.Equal(JsonShape.Of(Samples.Result()), JsonShape.Of(result));
    }

    [Fact]
    public void DefaultPlan_WrittenByTheHub_ReadBackWithTheDefaults()
    {
        // Every member is on the wire (nulls kept), so the initializers' defaults travel as values.
        var written = new ProbePlan { To = ["a@b.test"], ProbeId = "p-1" };

        var back = JsonSerializer.Deserialize(JsonShape.Of(written), ProbeJson.TypeInfo<ProbePlan>(Generated))!;

        Assert.Equal(ProbeDefaults.Helo, back.Helo);
        Assert.Equal(StepName.Quit, back.QuitAfter);
        Assert.Equal(new ProbeTimeouts(), back.Timeouts);
        Assert.Equal(ProbeDefaults.Subject, back.Message.Subject);
        Assert.Equal(JsonShape.Of(written), JsonShape.Of(back));
    }

    [Fact]
    public void EnumAsNumber_Refused_AsByTheHub()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"to":["a@b.test"],"tls":1}""", ProbeJson.TypeInfo<ProbePlan>(Generated)));

        Assert.Equal("$.tls", ex.Path);
    }
}
