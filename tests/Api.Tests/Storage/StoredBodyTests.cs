using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SmtpProbeHub.Api.Storage;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Storage;

/// <summary>The hub stores a long body only in part, marked, with the whole body's size and digest; agents get it whole.</summary>
public sealed class StoredBodyTests
{
    private static readonly Dictionary<string, string?> SmallCap = new() { ["Hub:Storage:MaxStoredBodyBytes"] = "1000" };

    [Fact]
    public async Task LongBody_IsSentWhole_ButStoredCutAndMarkedTruncated_WithTheWholeBodysSizeAndSha256()
    {
        var body = string.Concat(Enumerable.Range(0, 300).Select(i => $"line {i:D3}\n"));
        var runner = new FakeRunner();
        var data = Directory.CreateTempSubdirectory("hubtest-").FullName;
        JsonElement answered;
        await using (var hub = new HubFactory(runner, SmallCap, data))
        {
            answered = await (await hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=10", Request(body))).JsonAsync();
        }

        // Read back after a restart, so the answer comes from storage, not from the dispatcher's memory.
        await using var restarted = new HubFactory(new FakeRunner(), SmallCap, data);
        var id = answered.GetProperty("id").GetString();
        var stored = await (await restarted.CreateClient().GetAsync($"/api/v1/probes/{id}", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(body, Assert.Single(runner.Plans).Message.Body);
        foreach (var message in new[] { answered.GetProperty("message"), stored.GetProperty("message") })
        {
            Assert.True(message.GetProperty("bodyTruncated").GetBoolean());
            Assert.Equal(body[..1000], message.GetProperty("body").GetString());
            Assert.Equal(Encoding.UTF8.GetByteCount(body), message.GetProperty("bodyBytes").GetInt64());
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), message.GetProperty("bodySha256").GetString());
            Assert.Equal("large", message.GetProperty("subject").GetString());
        }
    }

    [Fact]
    public async Task BodyWithinTheCap_IsStoredWhole_NotMarkedTruncated()
    {
        await using var hub = new HubFactory(new FakeRunner(), SmallCap);

        var probe = await (await hub.CreateClient().PostJsonAsync("/api/v1/probes?wait=10", Request("This is a test message"))).JsonAsync();

        var message = probe.GetProperty("message");
        Assert.False(message.GetProperty("bodyTruncated").GetBoolean());
        Assert.Equal("This is a test message", message.GetProperty("body").GetString());
        Assert.Equal(22, message.GetProperty("bodyBytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("This is a test message"u8)), message.GetProperty("bodySha256").GetString());
    }

    [Fact]
    public async Task ProbeList_CarriesNoMessage()
    {
        await using var hub = new HubFactory(new FakeRunner(), SmallCap);
        var client = hub.CreateClient();
        await client.PostJsonAsync("/api/v1/probes?wait=10", Request("body"));

        var list = await (await client.GetAsync("/api/v1/probes", TestContext.Current.CancellationToken)).JsonAsync();

        Assert.Equal(JsonValueKind.Null, list.GetProperty("items")[0].GetProperty("message").ValueKind);
    }

    [Theory]
    [InlineData("é", 1001, 500)]
    [InlineData("😀", 1003, 250)]
    [InlineData("a", 1000, 1000)]
    public void Cut_FallsOnACharacterBoundary_NeverInsideOne(string character, int maxBytes, int keptCharacters)
    {
        var body = string.Concat(Enumerable.Repeat(character, 2000));

        var (plan, stored) = StoredBody.Keep(new ProbePlan { To = ["a@corp.test"], Message = new MessagePlan { Body = body } }, maxBytes);

        Assert.True(stored.Truncated);
        Assert.Equal(string.Concat(Enumerable.Repeat(character, keptCharacters)), plan.Message.Body);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), stored.Bytes);
    }

    private static string Request(string body) =>
        JsonSerializer.Serialize(new { to = new[] { "alice@corp.test" }, message = new { subject = "large", body } });
}
