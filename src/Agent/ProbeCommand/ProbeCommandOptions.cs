using System.CommandLine;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>The options of <c>probe</c>; they mirror the fields of a probe plan (DESIGN.md's REST request).</summary>
internal sealed class ProbeCommandOptions
{
    /// <summary>The environment variable read when --auth-password is not given (keeps the secret off the command line).</summary>
    public const string PasswordVariable = "SMTPPROBE_AUTH_PASSWORD";

    public Option<string[]> To { get; } = new("--to") { Description = "Recipient (repeatable); the MX of the first one's domain is used without --server", Required = true, Arity = ArgumentArity.OneOrMore };
    public Option<string> From { get; } = new("--from") { Description = "Envelope sender and From header (empty for <>)", DefaultValueFactory = _ => ProbeDefaults.From };
    public Option<string?> Server { get; } = new("--server") { Description = "Host name or IP of the server; absent: MX lookup" };
    public Option<int?> Port { get; } = new("--port") { Description = "TCP port (default 25, 465 with --tls implicit)" };
    public Option<string> Helo { get; } = new("--helo") { Description = "Name sent with EHLO/HELO", DefaultValueFactory = _ => ProbeDefaults.Helo };
    public Option<string?> QuitAfter { get; } = new("--quit-after") { Description = "Last step before QUIT: connect, banner, ehlo, starttls, auth, mail, rcpt, data, message" };
    public Option<string?> Tls { get; } = new("--tls") { Description = "none | opportunistic (default) | required | implicit" };
    public Option<string?> DsnNotify { get; } = new("--dsn-notify") { Description = "DSN NOTIFY on RCPT, e.g. success,failure (or never, delay)" };
    public Option<string?> DsnRet { get; } = new("--dsn-ret") { Description = "DSN RET on MAIL: full | hdrs" };
    public Option<string?> DsnEnvId { get; } = new("--dsn-envid") { Description = "DSN ENVID on MAIL" };
    public Option<string?> Subject { get; } = new("--subject") { Description = $"Subject (default \"{ProbeDefaults.Subject}\")" };
    public Option<string?> Body { get; } = new("--body") { Description = $"Body (default \"{ProbeDefaults.Body}\")" };
    public Option<string[]> Headers { get; } = new("--header") { Description = "Extra header \"Name: value\" (repeatable)" };
    public Option<double?> TimeoutConnect { get; } = new("--timeout-connect") { Description = "Seconds per connect attempt and TLS handshake" };
    public Option<double?> TimeoutBanner { get; } = new("--timeout-banner") { Description = "Seconds to wait for the 220 greeting" };
    public Option<double?> TimeoutCommand { get; } = new("--timeout-command") { Description = "Seconds to wait for each command's reply" };
    public Option<double?> TimeoutMessage { get; } = new("--timeout-message") { Description = "Seconds to send the message and get the reply to \".\"" };
    public Option<double?> TimeoutTotal { get; } = new("--timeout-total") { Description = "Seconds for the whole probe" };
    public Option<string[]> DnsServers { get; } = new("--dns-server") { Description = "DNS server IP[:port] for the MX lookup (repeatable; default: the system's)" };
    public Option<string?> AuthUser { get; } = new("--auth-user") { Description = "AUTH user name" };
    public Option<string?> AuthPassword { get; } = new("--auth-password") { Description = $"AUTH password (better: set {PasswordVariable}); never printed" };
    public Option<string?> AuthMechanism { get; } = new("--auth-mechanism") { Description = "plain (default) | login" };
    public Option<bool> AllowAuthWithoutTls { get; } = new("--allow-auth-without-tls") { Description = "Send credentials even without TLS" };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON (the REST contract's shape)" };

    public IEnumerable<Option> All =>
    [
        To, From, Server, Port, Helo, QuitAfter, Tls, DsnNotify, DsnRet, DsnEnvId, Subject, Body, Headers,
        TimeoutConnect, TimeoutBanner, TimeoutCommand, TimeoutMessage, TimeoutTotal, DnsServers,
        AuthUser, AuthPassword, AuthMechanism, AllowAuthWithoutTls, Json,
    ];
}
