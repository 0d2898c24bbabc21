using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Api.Cluster;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Tests.Cluster;

/// <summary>A run relayed to another replica carries its AUTH password through the database: only sealed.</summary>
public sealed class AssignmentSealTests
{
    private const string Password = "s3cret-Passw0rd-in-the-plan";

    private static readonly ProbePlan Plan = new()
    {
        Server = "mx.corp.test",
        To = ["alice@corp.test"],
        Auth = new AuthPlan { Username = "relay-user", Password = Password },
    };

    private static AssignmentSeal Seal(string key) => new(Options.Create(new ClusterOptions { SecretKey = key }));

    [Fact]
    public void Sealed_HoldsNoSecretInClear_AndOpensToTheSamePlan()
    {
        var seal = Seal("cluster-key-0123456789abcdef-0123456789");
        var runId = Guid.CreateVersion7();

        var text = seal.Seal(runId, Plan);

        Assert.DoesNotContain(Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, Encoding.UTF8.GetString(Convert.FromBase64String(text)), StringComparison.Ordinal);
        Assert.DoesNotContain("relay-user", Encoding.UTF8.GetString(Convert.FromBase64String(text)), StringComparison.Ordinal);
        var opened = seal.Open(runId, text);
        Assert.Equal(Password, opened.Auth!.Password);
        Assert.Equal(Plan.Server, opened.Server);
    }

    [Fact]
    public void Sealed_OpensOnlyForItsRun_AndOnlyWithTheSameKey()
    {
        var seal = Seal("cluster-key-0123456789abcdef-0123456789");
        var runId = Guid.CreateVersion7();
        var text = seal.Seal(runId, Plan);

        // Replayed for another run (another row), or read by a replica configured with another key: refused, not misread.
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(Guid.CreateVersion7(), text));
        Assert.ThrowsAny<CryptographicException>(() => Seal("another-key-0123456789abcdef-0123456789").Open(runId, text));
        var tampered = Convert.FromBase64String(text);
        tampered[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(runId, Convert.ToBase64String(tampered)));
    }
}
