using System.CommandLine;
using SmtpProbeHub.Agent.Worker;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class RunCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(int Exit, string Error)> Run(params string[] args)
    {
        var error = new StringWriter();
        var root = new RootCommand { RunCommandFactory.Create() };
        var exit = await root.Parse(["run", .. args]).InvokeAsync(new InvocationConfiguration { Error = error, ProcessTerminationTimeout = null }, TestContext.Current.CancellationToken);
        return (exit, error.ToString());
    }

    [Fact]
    public async Task MalformedLabel_ExitsWithInvalidInput_BeforeAnyConnection()
    {
        var (exit, error) = await Run("--label", "zone=in side", "--data-dir", _dir.Path);

        Assert.Equal(2, exit);
        Assert.Contains("--label", error);
        Assert.False(File.Exists(Path.Combine(_dir.Path, AgentIdentity.FileName)));
    }

    [Fact]
    public async Task PlaintextHubOnTheNetwork_IsRefusedAtStart_WithoutOptIn()
    {
        var (exit, error) = await Run("--hub", "http://192.0.2.10:5081", "--data-dir", _dir.Path);

        Assert.True(exit == 2, error);
        Assert.Contains("Agent:AllowInsecure", error);
        Assert.False(File.Exists(Path.Combine(_dir.Path, AgentIdentity.FileName)));
    }
}
