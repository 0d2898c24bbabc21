using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmtpProbeHub.EndToEnd.Tests.Agents;

/// <summary>
/// A private CA and a hub certificate it signed (for 127.0.0.1 and localhost), written as PEM files:
/// what an operator makes for a hub that agents on the internet reach over TLS.
/// </summary>
internal sealed class PrivateCa : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("e2e-ca-");

    public PrivateCa()
    {
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=SmtpProbeHub test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var hubKey = RSA.Create(2048);
        var hubRequest = new CertificateRequest("CN=hub.test", hubKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        hubRequest.CertificateExtensions.Add(names.Build());
        hubRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        hubRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var hub = hubRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), [1, 2, 3, 4]);

        File.WriteAllText(CaCertificate, ca.ExportCertificatePem());
        File.WriteAllText(HubCertificate, hub.ExportCertificatePem());
        File.WriteAllText(HubKey, hubKey.ExportPkcs8PrivateKeyPem());
    }

    public string CaCertificate => Path.Combine(_directory.FullName, "ca.pem");

    public string HubCertificate => Path.Combine(_directory.FullName, "hub.pem");

    public string HubKey => Path.Combine(_directory.FullName, "hub.key");

    public void Dispose() => _directory.Delete(recursive: true);
}
