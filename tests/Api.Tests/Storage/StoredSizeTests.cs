using System.Net;
using System.Text;
using System.Text.Json;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Api.Tests.Storage;

/// <summary>What a probe with a large message costs in the database (issue "Faults and limits": 100 probes with 1 MB bodies grew it by 114 MB).</summary>
public sealed class StoredSizeTests
{
    /// <summary>1 MiB of text in 64-byte lines: the largest body a plan may carry.</summary>
    internal static readonly string OneMegabyteBody = string.Concat(Enumerable.Range(0, 16384).Select(i => $"line {i:D5} of a large test body: the quick brown fox jumps over\n"));

    [Fact]
    [Trait("Storage", "SqliteOnly")] // Measures the SQLite file's pages (DatabaseFile); on PostgreSQL there is no such file to measure.
    public async Task TwentyProbesWithOneMegabyteBodies_ThroughTheRealEngine_GrowTheDatabaseByFarLessThanTheirBodies()
    {
        const int probes = 20;
        await using var smtp = ScriptedSmtpServer.Start();
        await using var hub = new HubFactory();
        var client = hub.CreateClient();
        var database = new DatabaseFile(hub.DataDirectory);
        var request = JsonSerializer.Serialize(new
        {
            server = "127.0.0.1",
            port = smtp.Port,
            tls = "none",
            to = new[] { "alice@corp.test" },
            message = new { subject = "large", body = OneMegabyteBody },
        });
        var before = await database.SizeBytesAsync();

        for (var i = 0; i < probes; i++)
        {
            var response = await client.PostJsonAsync("/api/v1/probes?wait=60", request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("passed", (await response.JsonAsync()).GetProperty("runs")[0].GetProperty("verdict").GetString());
        }

        var growth = await database.SizeBytesAsync() - before;
        var body = Encoding.UTF8.GetByteCount(OneMegabyteBody);
        TestContext.Current.TestOutputHelper?.WriteLine($"{probes} probes with {body:N0}-byte bodies grew the database by {growth:N0} bytes ({growth / probes:N0} per probe)");
        // The server did get every byte: the cap is on what the hub keeps, never on what is sent.
        Assert.True(smtp.ReceivedLines.Count > probes * 16384);
        Assert.True(growth < probes * 200 * 1024, $"grew {growth:N0} bytes for {probes} probes: {growth / probes:N0} per probe");
    }
}
