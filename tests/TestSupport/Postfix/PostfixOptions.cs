using System.Net;

namespace SmtpProbeHub.TestSupport.Postfix;

/// <summary>How a private Postfix test instance is set up. The defaults make a small MX for <c>corp.test</c>.</summary>
public sealed record PostfixOptions
{
    /// <summary>The address smtpd listens on.</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The port; null picks a free ephemeral port (retried when another process takes it first).</summary>
    public int? Port { get; init; }

    /// <summary>
    /// Run Postfix inside this network namespace (<c>ip netns exec NS postfix …</c>); null for the test's own
    /// namespace. The namespace must exist and <see cref="ListenAddress"/> must be one of its addresses.
    /// </summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>Postfix's own name (<c>myhostname</c>), shown in the banner and the EHLO reply.</summary>
    public string HostName { get; init; } = "mx.corp.test";

    /// <summary>
    /// The domains this instance is the final destination for (<c>mydestination</c>); the first is the main one.
    /// The defaults are the mail domains of <c>DnsZone.CreateDefault()</c>, so an MX lookup there ends here.
    /// </summary>
    public IReadOnlyList<string> Domains { get; init; } = ["corp.test", "multi.test", "nomx.test"];

    /// <summary>Local parts that exist in every domain of <see cref="Domains"/>; any other gets 550 5.1.1.</summary>
    public IReadOnlyList<string> LocalUsers { get; init; } = ["alice", "bob", "postmaster"];

    /// <summary>
    /// Extra or overriding <c>main.cf</c> settings, applied last, e.g.
    /// <c>["smtpd_client_restrictions"] = "reject"</c> to refuse every client, or
    /// <c>["message_size_limit"] = "1000"</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long to wait for the 220 greeting after <c>postfix start</c>.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
