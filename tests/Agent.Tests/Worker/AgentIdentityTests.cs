using SmtpProbeHub.Agent.Worker;

namespace SmtpProbeHub.Agent.Tests.Worker;

public sealed class AgentIdentityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Id_IsTheSameAfterRestart()
    {
        var first = AgentIdentity.LoadOrCreate(_dir.Path);
        var second = AgentIdentity.LoadOrCreate(_dir.Path);

        Assert.Equal(first, second);
        Assert.True(Guid.TryParse(first, out _));
    }

    [Fact]
    public void TwoDataDirectories_GiveTwoIds()
    {
        using var other = new TempDirectory();

        Assert.NotEqual(AgentIdentity.LoadOrCreate(_dir.Path), AgentIdentity.LoadOrCreate(other.Path));
    }

    [Fact]
    public void MissingDataDirectory_IsCreated()
    {
        var nested = Path.Combine(_dir.Path, "a", "b");

        AgentIdentity.LoadOrCreate(nested);

        Assert.True(File.Exists(Path.Combine(nested, AgentIdentity.FileName)));
    }

    [Fact]
    public void DamagedIdFile_IsRefusedWithItsPath_NotSilentlyReplaced()
    {
        File.WriteAllText(Path.Combine(_dir.Path, AgentIdentity.FileName), "not-a-guid");

        var ex = Assert.Throws<InvalidOperationException>(() => AgentIdentity.LoadOrCreate(_dir.Path));
        Assert.Contains(AgentIdentity.FileName, ex.Message);
        Assert.Equal("not-a-guid", File.ReadAllText(Path.Combine(_dir.Path, AgentIdentity.FileName)));
    }
}
