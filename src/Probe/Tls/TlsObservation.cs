using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SmtpProbeHub.Probe.Tls;

/// <summary>What the certificate validation callback saw, kept to judge and report after the handshake.</summary>
internal sealed class TlsObservation
{
    public X509Certificate2? Certificate { get; private set; }

    public SslPolicyErrors PolicyErrors { get; private set; }

    public IReadOnlyList<string> ChainErrors { get; private set; } = [];

    public string? Protocol { get; set; }

    public string? CipherSuite { get; set; }

    public void Capture(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        PolicyErrors = errors;
        Certificate = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        ChainErrors = chain is null
            ? []
            : [.. chain.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct()];
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && ChainErrors.Count == 0)
        {
            ChainErrors = ["RemoteCertificateChainErrors"];
        }
    }
}
