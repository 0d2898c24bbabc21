using System.Security.Cryptography.X509Certificates;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>
/// What a <see cref="ScriptedSmtpServer"/> says. Defaults make a well-behaved ESMTP server (Postfix-like
/// replies); override the banner, capabilities or any verb's reply to script a failure.
/// </summary>
public sealed class SmtpScript
{
    /// <summary>The pseudo-verb for the reply to the final "." of a message.</summary>
    public const string EndOfData = "<EOD>";

    private readonly Dictionary<string, Func<string, ScriptedReply?>> _responders = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name in the greeting and EHLO reply.</summary>
    public string ServerName { get; set; } = "scripted.test";

    /// <summary>The greeting; null means "220 {ServerName} ESMTP Scripted".</summary>
    public ScriptedReply? Banner { get; set; }

    /// <summary>EHLO keywords (STARTTLS and AUTH are added from <see cref="Certificate"/> and <see cref="Credentials"/>).</summary>
    public List<string> Capabilities { get; } = ["PIPELINING", "SIZE 10240000", "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"];

    /// <summary>The certificate for STARTTLS and implicit TLS; STARTTLS is offered when set.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Offer STARTTLS in EHLO when a certificate is set (false to hide it).</summary>
    public bool AdvertiseStartTls { get; set; } = true;

    /// <summary>TLS from the first byte (SMTPS).</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>Accepted AUTH credentials; AUTH is offered when set.</summary>
    public (string User, string Password)? Credentials { get; set; }

    /// <summary>AUTH mechanisms offered when <see cref="Credentials"/> is set.</summary>
    public List<string> AuthMechanisms { get; } = ["PLAIN", "LOGIN"];

    /// <summary>Offer AUTH only after STARTTLS, as most submission servers do.</summary>
    public bool AuthOnlyAfterTls { get; set; }

    /// <summary>Replies to <paramref name="verb"/> (e.g. "RCPT", or <see cref="EndOfData"/>) with <paramref name="reply"/>.</summary>
    public SmtpScript On(string verb, ScriptedReply reply) => On(verb, _ => reply);

    /// <summary>Replies to <paramref name="verb"/> with what <paramref name="responder"/> returns for the line (null: the default).</summary>
    public SmtpScript On(string verb, Func<string, ScriptedReply?> responder)
    {
        _responders[verb] = responder;
        return this;
    }

    /// <summary>The reply to lines no responder or default knows (e.g. bytes that are not SMTP); null: "502".</summary>
    public ScriptedReply? UnknownReply { get; set; }

    internal ScriptedReply? Respond(string verb, string line) =>
        _responders.TryGetValue(verb, out var responder) ? responder(line) : null;
}
