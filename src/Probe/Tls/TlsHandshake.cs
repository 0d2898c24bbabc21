using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace SmtpProbeHub.Probe.Tls;

/// <summary>
/// The client side of a TLS handshake that records the certificate and always accepts it, so the
/// probe can report a bad certificate and decide afterwards (fatal only in required mode).
/// </summary>
internal static class TlsHandshake
{
    public static async Task<(SslStream Stream, TlsObservation Observation)> AuthenticateAsync(
        Stream inner, string targetHost, CancellationToken cancellationToken)
    {
        var observation = new TlsObservation();
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
        {
            observation.Capture(certificate, chain, errors);
            return true;
        });
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            // A probe must not fetch CRLs or intermediate certificates from the internet on its own.
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = new X509ChainPolicy
            {
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        observation.Protocol = ssl.SslProtocol.ToString();
        observation.CipherSuite = ssl.NegotiatedCipherSuite.ToString();
        return (ssl, observation);
    }
}
