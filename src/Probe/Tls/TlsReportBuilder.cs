using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using SmtpProbeHub.Probe.Diagnostics;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Tls;

/// <summary>Turns a handshake observation into the report a mail administrator reads, and judges it.</summary>
internal static class TlsReportBuilder
{
    public static TlsReport Build(TlsObservation observation, string hostName, DateTimeOffset now) => new()
    {
        Protocol = observation.Protocol,
        CipherSuite = observation.CipherSuite,
        Certificate = observation.Certificate is { } certificate ? Describe(certificate, observation, hostName, now) : null,
    };

    /// <summary>The diagnosis code of the worst certificate problem, or null when the certificate is fine.</summary>
    public static string? Problem(TlsReport report, TlsObservation observation, DateTimeOffset now)
    {
        if (report.Certificate is not { } certificate)
        {
            return (observation.PolicyErrors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0 ? DiagnosisCodes.TlsUntrusted : null;
        }

        if (certificate.NotAfter < now || certificate.NotBefore > now || certificate.ChainErrors.Contains(nameof(X509ChainStatusFlags.NotTimeValid)))
        {
            return DiagnosisCodes.TlsCertificateExpired;
        }

        if (!certificate.NameMatches)
        {
            return DiagnosisCodes.TlsNameMismatch;
        }

        return certificate.ChainValid ? null : DiagnosisCodes.TlsUntrusted;
    }

    private static CertificateReport Describe(X509Certificate2 certificate, TlsObservation observation, string hostName, DateTimeOffset now)
    {
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        var names = san is null
            ? []
            : san.EnumerateDnsNames().Concat(san.EnumerateIPAddresses().Select(a => a.ToString())).ToList();
        return new CertificateReport
        {
            Subject = certificate.Subject,
            Issuer = certificate.Issuer,
            SubjectAlternativeNames = names,
            NotBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()),
            NotAfter = notAfter,
            DaysToExpiry = (int)Math.Floor((notAfter - now).TotalDays),
            Thumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256),
            ChainValid = (observation.PolicyErrors & SslPolicyErrors.RemoteCertificateChainErrors) == 0,
            ChainErrors = observation.ChainErrors,
            NameMatches = Matches(certificate, hostName),
            SelfSigned = certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData),
        };
    }

    private static bool Matches(X509Certificate2 certificate, string hostName)
    {
        try
        {
            return certificate.MatchesHostname(hostName.Trim('[', ']'));
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
