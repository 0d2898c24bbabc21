using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using SmtpProbeHub.Contracts.Mapping;
using SmtpProbeHub.Contracts.V1;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Contracts.Tests.Mapping;

public sealed class ProbeWireTests
{
    private static readonly DateTimeOffset Deadline = new(2026, 11, 28, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Samples_SetEveryMember_SoRoundTripsCoverTheWholeModel()
    {
        Assert.Empty(JsonShape.UnsetMembers(Samples.Plan()));
        Assert.Empty(JsonShape.UnsetMembers(Samples.Result()));
    }

    [Fact]
    public void Assignment_CarriesTheHubsTargetPolicy_WhichTheAgentReadsBackAsTheHubPolicy()
    {
        var hub = Probe.Targets.TargetPolicy.Create("hub policy", ["25", "2525-2530"], ["10.20.0.0/16"], ["10.20.9.0/24"]);

        var wire = Assignment.Parser.ParseFrom(ProbeWire.ToAssignment("run-1", Samples.Plan(), Deadline, hub).ToByteArray());
        var read = ProbeWire.TargetsOf(wire)!;

        Assert.Equal(["25", "2525-2530"], read.Ports);
        Assert.True(read.Check(System.Net.IPAddress.Parse("10.20.1.1"), 2526).Allowed);
        Assert.Contains("hub policy", read.Check(System.Net.IPAddress.Parse("10.20.9.1"), 25).Rule);
        Assert.False(read.Check(System.Net.IPAddress.Parse("127.0.0.1"), 25).Allowed);
        Assert.Null(ProbeWire.TargetsOf(ProbeWire.ToAssignment("run-2", Samples.Plan(), Deadline)));
    }

    [Fact]
    public void Assignment_WithATargetPolicyThatDoesNotParse_IsAWireFormatError()
    {
        var wire = ProbeWire.ToAssignment("run-1", Samples.Plan(), Deadline, Probe.Targets.TargetPolicy.Default);
        wire.Targets.AllowedNetworks.Add("not-a-network");

        Assert.Throws<WireFormatException>(() => ProbeWire.TargetsOf(wire));
    }

    [Fact]
    public void Assignment_ThroughTheWire_KeepsEveryPlanFieldAndThePassword()
    {
        var plan = Samples.Plan();

        var wire = RoundTrip(new HubMessage { Assignment = ProbeWire.ToAssignment("run-1", plan, Deadline) });

        var back = ProbeWire.ToPlan(wire.Assignment);
        Assert.Equal(JsonShape.Of(plan), JsonShape.Of(back));
        Assert.Equal(Samples.Password, back.Auth!.Password);
        Assert.Equal("run-1", wire.Assignment.RunId);
        Assert.Equal(Deadline, ProbeWire.DeadlineOf(wire.Assignment));
    }

    [Fact]
    public void Assignment_PlanJson_NeverContainsThePassword()
    {
        var assignment = ProbeWire.ToAssignment("run-1", Samples.Plan(), Deadline);

        Assert.DoesNotContain(Samples.Password, assignment.PlanJson.ToStringUtf8());
        Assert.Equal(Samples.Password, assignment.AuthPassword);
    }

    [Fact]
    public void Assignment_WithoutAuth_HasNoPasswordAndNoAuth()
    {
        var plan = Samples.Plan() with { Auth = null };

        var back = ProbeWire.ToPlan(ProbeWire.ToAssignment("run-1", plan, Deadline));

        Assert.Null(back.Auth);
        Assert.Equal(JsonShape.Of(plan), JsonShape.Of(back));
    }

    [Fact]
    public void CompletedResult_ThroughTheWire_KeepsEveryField()
    {
        var result = Samples.Result();
        var finished = Deadline.AddMinutes(-1);

        var wire = RoundTrip(new AgentMessage { Result = ProbeWire.ToCompleted("run-2", result, finished) });

        Assert.Equal(RunOutcome.Completed, wire.Result.Outcome);
        Assert.Equal(finished, wire.Result.FinishedAt.ToDateTimeOffset());
        Assert.Equal(JsonShape.Of(result), JsonShape.Of(ProbeWire.ResultOf(wire.Result)));
    }

    [Fact]
    public void EndedResult_CarriesOutcomeAndReason_AndNoProbeResult()
    {
        var wire = RoundTrip(new AgentMessage { Result = ProbeWire.ToEnded("run-3", RunOutcome.Canceled, "canceled by the hub", Deadline) });

        Assert.Equal(RunOutcome.Canceled, wire.Result.Outcome);
        Assert.Equal("canceled by the hub", wire.Result.Reason);
        Assert.Null(ProbeWire.ResultOf(wire.Result));
    }

    [Fact]
    public void ToEnded_WithCompletedOutcome_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProbeWire.ToEnded("r", RunOutcome.Completed, "x", Deadline));
    }

    [Fact]
    public void Progress_StepAndTranscript_RoundTripAndAreTellApart()
    {
        var result = Samples.Result();
        var step = RoundTrip(new AgentMessage { Progress = ProbeWire.ToProgress("run-4", result.Steps[0]) }).Progress;
        var line = RoundTrip(new AgentMessage { Progress = ProbeWire.ToProgress("run-4", result.Transcript[0]) }).Progress;

        Assert.Equal(JsonShape.Of(result.Steps[0]), JsonShape.Of(ProbeWire.StepOf(step)));
        Assert.Null(ProbeWire.TranscriptOf(step));
        Assert.Equal(result.Transcript[0], ProbeWire.TranscriptOf(line));
        Assert.Null(ProbeWire.StepOf(line));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("{\"from\":\"a@b.c\"}")] // "to" is required
    [InlineData("{\"to\":[\"a@b.c\"],\"tls\":\"sometimes\"}")]
    public void ToPlan_UnreadablePlan_ThrowsWireFormatException(string json)
    {
        var assignment = new Assignment { RunId = "r", PlanJson = ByteString.CopyFrom(Encoding.UTF8.GetBytes(json)), Deadline = Timestamp.FromDateTimeOffset(Deadline) };

        var ex = Assert.Throws<WireFormatException>(() => ProbeWire.ToPlan(assignment));
        Assert.Contains("plan_json", ex.Message);
    }

    [Fact]
    public void DeadlineOf_MissingDeadline_ThrowsWireFormatException()
    {
        Assert.Throws<WireFormatException>(() => ProbeWire.DeadlineOf(new Assignment { RunId = "r" }));
    }

    private static T RoundTrip<T>(T message)
        where T : IMessage<T>, new() =>
        new MessageParser<T>(() => new T()).ParseFrom(message.ToByteArray());
}
