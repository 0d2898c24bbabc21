using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Api.Probes.Comparison;

/// <summary>
/// How a server presented itself to one run: the host name in its 220 greeting and in its EHLO reply (RFC 5321
/// §4.2, §4.1.1.1: the first word after the code), the extensions of the first EHLO reply (before any STARTTLS;
/// STARTTLS itself left out, since a middlebox may strip it) and the certificate's SHA-256 when TLS was used. Only the
/// first words are compared: the rest of a greeting may hold a date or the client's address.
/// </summary>
internal sealed record ServerIdentity(string GreetingHost, string EhloHost, IReadOnlySet<string> Extensions, string? Thumbprint)
{
    /// <summary>The identity, or null when the run did not get a 220 greeting and an EHLO reply.</summary>
    public static ServerIdentity? Of(ProbeResult r)
    {
        var banner = r.Steps.FirstOrDefault(s => s.Name == StepName.Banner && s.Outcome == StepOutcome.Ok)?.Reply;
        var ehlo = r.Steps.FirstOrDefault(s => s.Name == StepName.Ehlo && s.Outcome == StepOutcome.Ok)?.Reply;
        if (FirstWord(banner) is not { } greeting || FirstWord(ehlo) is not { } ehloHost)
        {
            return null;
        }

        var extensions = ehlo!.Lines.Skip(1)
            .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant())
            .Where(l => l.Length > 0 && l != "STARTTLS")
            .ToHashSet(StringComparer.Ordinal);
        return new ServerIdentity(greeting, ehloHost, extensions, RunFacts.Thumbprint(r));
    }

    /// <summary>What differs from <paramref name="other"/>, in words (empty when the same server evidently answered both).</summary>
    public IReadOnlyList<string> Differences(ServerIdentity other, string me, string them)
    {
        var differences = new List<string>();
        if (!SameName(GreetingHost, other.GreetingHost))
        {
            differences.Add($"greeting {GreetingHost} to {me}, {other.GreetingHost} to {them}");
        }

        if (!SameName(EhloHost, other.EhloHost))
        {
            differences.Add($"EHLO name {EhloHost} to {me}, {other.EhloHost} to {them}");
        }

        if (!Extensions.SetEquals(other.Extensions))
        {
            var mine = Extensions.Except(other.Extensions).Order(StringComparer.Ordinal).ToList();
            var theirs = other.Extensions.Except(Extensions).Order(StringComparer.Ordinal).ToList();
            differences.Add("EHLO extensions differ ("
                + string.Join("; ", new[] { Only(mine, me), Only(theirs, them) }.Where(s => s.Length > 0)) + ")");
        }

        if (Thumbprint is { } a && other.Thumbprint is { } b && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            differences.Add($"certificate SHA-256 {Short(a)} to {me}, {Short(b)} to {them}");
        }

        return differences;
    }

    /// <summary>What matched, in words: "greeting mx.corp.test, the same EHLO extensions, the same certificate, SHA-256 AA11…".</summary>
    public string Evidence(ServerIdentity other) =>
        $"greeting {GreetingHost}, the same EHLO extensions"
        + (Thumbprint is { } print && other.Thumbprint is not null ? $", the same certificate, SHA-256 {Short(print)}" : "");

    private static string Only(List<string> extensions, string who) =>
        extensions.Count == 0 ? "" : $"only to {who}: {string.Join(", ", extensions)}";

    private static bool SameName(string a, string b) =>
        string.Equals(a.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);

    private static string Short(string thumbprint) => thumbprint.Length > 16 ? thumbprint[..16] + "…" : thumbprint;

    private static string? FirstWord(SmtpReply? reply) =>
        reply?.Lines.FirstOrDefault()?.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
}
