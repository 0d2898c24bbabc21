using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Api.Cluster;

/// <summary>
/// Seals a relayed run's plan (AUTH password included) for the database with AES-GCM under a key derived from
/// <see cref="ClusterOptions.SecretKey"/>, bound to the run's id so a sealed plan cannot be replayed for another run.
/// Secrets never rest in the database in clear; the sealed row is deleted when the run ends.
/// </summary>
internal sealed class AssignmentSeal(IOptions<ClusterOptions> options)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.SecretKey ?? ""));

    public string Seal(Guid runId, ProbePlan plan)
    {
        var clear = JsonSerializer.SerializeToUtf8Bytes(plan, ProbeJson.Options);
        var sealedBytes = new byte[NonceBytes + TagBytes + clear.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), runId.ToByteArray());
        CryptographicOperations.ZeroMemory(clear);
        return Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plan; throws <see cref="CryptographicException"/> when it was sealed with another key or for another run.</summary>
    public ProbePlan Open(Guid runId, string sealedText)
    {
        var sealedBytes = Convert.FromBase64String(sealedText);
        var clear = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), clear, runId.ToByteArray());
        try
        {
            return JsonSerializer.Deserialize<ProbePlan>(clear, ProbeJson.Options) ?? throw new CryptographicException("empty plan");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }
}
