using SmtpProbeHub.Agent.Worker;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class AgentOptionsValidatorTests
{
    private static AgentOptions Valid(string hubUrl, bool allowInsecure = false) =>
        new() { HubUrl = hubUrl, AllowInsecure = allowInsecure, Name = "a1", DataDirectory = "/tmp/x" };

    private static IReadOnlyList<string> Problems(AgentOptions options) =>
        new AgentOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Theory]
    [InlineData("https://hub.example:5081")]
    [InlineData("http://127.0.0.1:5081")]
    [InlineData("http://127.8.9.1:5081")]
    [InlineData("http://localhost:5081")]
    [InlineData("http://[::1]:5081")]
    public void SecureOrLoopbackUrl_IsAccepted(string url)
    {
        Assert.Empty(Problems(Valid(url)));
    }

    [Theory]
    [InlineData("http://hub.example:5081")]
    [InlineData("http://192.0.2.10:5081")]
    public void PlaintextUrlToARemoteHost_IsRefused_UnlessOptedIn(string url)
    {
        var problem = Assert.Single(Problems(Valid(url)));
        Assert.Contains("Agent:AllowInsecure", problem);

        Assert.Empty(Problems(Valid(url, allowInsecure: true)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hub.example:5081")]
    [InlineData("ftp://hub.example")]
    [InlineData("https://user:secret@hub.example")]
    public void MalformedUrl_IsRefused(string url)
    {
        Assert.Contains(Problems(Valid(url)), p => p.Contains("Agent:HubUrl"));
    }

    [Fact]
    public void EveryProblem_IsNamed_AtOnce()
    {
        var options = Valid("https://hub.example");
        options.Capacity = 0;
        options.DnsServers = ["not-an-ip"];
        options.Labels = new Dictionary<string, string> { ["zone"] = "in side" };
        options.Name = "";

        var problems = Problems(options);

        Assert.Contains(problems, p => p.Contains("Agent:Capacity"));
        Assert.Contains(problems, p => p.Contains("Agent:DnsServers"));
        Assert.Contains(problems, p => p.Contains("Agent:Labels"));
        Assert.Contains(problems, p => p.Contains("Agent:Name"));
    }

    [Fact]
    public void DnsServers_WithAndWithoutPort_AreAccepted()
    {
        var options = Valid("https://hub.example");
        options.DnsServers = ["127.0.0.1:5353", "::1", "127.0.0.1"];

        Assert.Empty(Problems(options));
    }

    [Fact]
    public void HubCaCertificate_ThatIsNotAPemCertificate_IsRefusedAtStart()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "ca.pem");
        File.WriteAllText(path, "not a certificate");
        var options = Valid("https://hub.example");
        options.HubCaCertificate = path;

        Assert.Contains(Problems(options), p => p.Contains("Agent:HubCaCertificate") && p.Contains("PEM"));
    }

    [Fact]
    public void HubCaCertificate_Missing_IsRefusedAtStart()
    {
        var options = Valid("https://hub.example");
        options.HubCaCertificate = "/nonexistent/ca.pem";

        Assert.Contains(Problems(options), p => p.Contains("does not exist"));
    }
}
