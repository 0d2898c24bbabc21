using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>Self-signed certificates made in-process for TLS tests (no files, no CA).</summary>
public static class TestCertificates
{
    /// <summary>
    /// A self-signed ECDSA certificate for <paramref name="dnsName"/> (and <paramref name="ipAddresses"/> as IP
    /// subject alternative names), valid from yesterday for a year unless told otherwise.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(
        string dnsName = "localhost", DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, params System.Net.IPAddress[] ipAddresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        foreach (var address in ipAddresses)
        {
            san.AddIpAddress(address);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        var from = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(365);
        using var certificate = request.CreateSelfSigned(from, to);
        // Round-trip through PKCS#12 so SslStream on Linux can use the private key.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
