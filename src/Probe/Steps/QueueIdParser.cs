using System.Text.RegularExpressions;

namespace SmtpProbeHub.Probe.Steps;

/// <summary>Finds the queue id in the 250 reply to the final "." across common servers.</summary>
internal static partial class QueueIdParser
{
    public static string? Parse(string replyText)
    {
        foreach (var pattern in Patterns)
        {
            var match = pattern.Match(replyText);
            if (match.Success)
            {
                return match.Groups["id"].Value;
            }
        }

        return null;
    }

    private static readonly Regex[] Patterns =
    [
        Postfix(), EximId(), ExchangeInternalId(), Sendmail(), Gmail(), AcceptedAs(),
    ];

    /// <summary>Postfix "2.0.0 Ok: queued as 4Xyz12AbC"; also "Queued as …" elsewhere.</summary>
    [GeneratedRegex(@"queued as (?<id>[A-Za-z0-9._\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex Postfix();

    /// <summary>Exim "OK id=1abcDE-000123-AB".</summary>
    [GeneratedRegex(@"\bid=(?<id>[A-Za-z0-9._\-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex EximId();

    /// <summary>Exchange "Queued mail for delivery [InternalId=12345, …]".</summary>
    [GeneratedRegex(@"InternalId=(?<id>\d+)")]
    private static partial Regex ExchangeInternalId();

    /// <summary>Sendmail "2.0.0 4ABCDefg012345 Message accepted for delivery".</summary>
    [GeneratedRegex(@"^(?:2\.\d{1,3}\.\d{1,3} )?(?<id>[A-Za-z0-9]{8,}) Message accepted", RegexOptions.IgnoreCase)]
    private static partial Regex Sendmail();

    /// <summary>Gmail "2.0.0 OK  1700000000 a1b2c3.45 - gsmtp".</summary>
    [GeneratedRegex(@"OK\s+\d+\s+(?<id>\S+)\s+-\s+gsmtp", RegexOptions.IgnoreCase)]
    private static partial Regex Gmail();

    /// <summary>Generic "Message accepted as ABC123" / "accepted, id ABC123".</summary>
    [GeneratedRegex(@"accepted(?: for delivery)?(?: as|, id| with id)\s+<?(?<id>[A-Za-z0-9._@\-]+)>?", RegexOptions.IgnoreCase)]
    private static partial Regex AcceptedAs();
}
