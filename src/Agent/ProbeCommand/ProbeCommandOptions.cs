using System.CommandLine;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>The options of <c>probe</c>; they mirror the fields of a probe plan (DESIGN.md's REST request).</summary>
internal sealed class ProbeCommandOptions
{
    /// <summary>The environment variable read when --auth-password is not given (keeps the secret off the command line).</summary>
    public const string PasswordVariable = "SMTPPROBE_AUTH_PASSWORD";

    public Option<string[]> To { get; } = new("--to") { HelpName = "address", Description = "Recipient (repeatable); the MX of the first one's domain is used without --server", Required = true, Arity = ArgumentArity.OneOrMore };
    public Option<string> From { get; } = new("--from") { HelpName = "address", Description = "Envelope sender and From header (empty for <>)", DefaultValueFactory = _ => ProbeDefaults.From };
    public Option<string?> Server { get; } = new("--server") { HelpName = "host", Description = "Host name or IP of the server; absent: MX lookup" };
    public Option<int?> Port { get; } = new("--port") { HelpName = "port", Description = "TCP port (default 25, 465 with --tls implicit)" };
    public Option<string> Helo { get; } = new("--helo") { HelpName = "name", Description = "Name sent with EHLO/HELO", DefaultValueFactory = _ => ProbeDefaults.Helo };
    public Option<string?> QuitAfter { get; } = new("--quit-after") { HelpName = "step", Description = "Last step before QUIT: connect, banner, ehlo, starttls, auth, mail, rcpt, data, message" };
    public Option<string?> Tls { get; } = new("--tls") { HelpName = "mode", Description = "none | opportunistic (default) | required | implicit" };
    public Option<string?> DsnNotify { get; } = new("--dsn-notify") { HelpName = "list", Description = "DSN NOTIFY on RCPT, e.g. success,failure (or never, delay)" };
    public Option<string?> DsnRet { get; } = new("--dsn-ret") { HelpName = "ret", Description = "DSN RET on MAIL: full | hdrs" };
    public Option<string?> DsnEnvId { get; } = new("--dsn-envid") { HelpName = "id", Description = "DSN ENVID on MAIL" };
    public Option<string?> Subject { get; } = new("--subject") { HelpName = "text", Description = $"Subject (default \"{ProbeDefaults.Subject}\")" };
    public Option<string?> Body { get; } = new("--body") { HelpName = "text", Description = $"Body (default \"{ProbeDefaults.Body}\")" };
    public Option<string[]> Headers { get; } = new("--header") { HelpName = "\"Name: value\"", Description = "Extra header \"Name: value\" (repeatable)" };
    public Option<double?> TimeoutConnect { get; } = new("--timeout-connect") { HelpName = "seconds", Description = "Seconds per connect attempt and TLS handshake" };
    public Option<double?> TimeoutBanner { get; } = new("--timeout-banner") { HelpName = "seconds", Description = "Seconds to wait for the 220 greeting" };
    public Option<double?> TimeoutCommand { get; } = new("--timeout-command") { HelpName = "seconds", Description = "Seconds to wait for each command's reply" };
    public Option<double?> TimeoutMessage { get; } = new("--timeout-message") { HelpName = "seconds", Description = "Seconds to send the message and get the reply to \".\"" };
    public Option<double?> TimeoutTotal { get; } = new("--timeout-total") { HelpName = "seconds", Description = "Seconds for the whole probe" };
    public Option<string[]> DnsServers { get; } = new("--dns-server") { HelpName = "ip[:port]", Description = "DNS server IP[:port] for the MX lookup (repeatable; default: the system's)" };
    public Option<string[]> AllowNetworks { get; } = new("--allow-network") { HelpName = "cidr", Description = "Allow a network the target policy denies by default, e.g. 127.0.0.0/8 or 10.20.0.0/16 (repeatable)" };
    public Option<string[]> AllowPorts { get; } = new("--allow-port") { HelpName = "port[-port]", Description = "Allow ports instead of 25, 465, 587 and 2525 (repeatable)" };
    public Option<string?> AuthUser { get; } = new("--auth-user") { HelpName = "user", Description = "AUTH user name" };
    public Option<string?> AuthPassword { get; } = new("--auth-password") { HelpName = "password", Description = $"AUTH password (better: set {PasswordVariable}); never printed" };
    public Option<string?> AuthMechanism { get; } = new("--auth-mechanism") { HelpName = "mechanism", Description = "plain (default) | login" };
    public Option<bool> AllowAuthWithoutTls { get; } = new("--allow-auth-without-tls") { Description = "Send credentials even without TLS" };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the result as JSON (the REST contract's shape)" };

    public IEnumerable<Option> All =>
    [
        To, From, Server, Port, Helo, QuitAfter, Tls, DsnNotify, DsnRet, DsnEnvId, Subject, Body, Headers,
        TimeoutConnect, TimeoutBanner, TimeoutCommand, TimeoutMessage, TimeoutTotal, DnsServers, AllowNetworks, AllowPorts,
        AuthUser, AuthPassword, AuthMechanism, AllowAuthWithoutTls, Json,
    ];
}
