using System.Text;

namespace SmtpProbeHub.TestSupport.Scripted;

/// <summary>The scripted server's AUTH PLAIN (RFC 4616) and LOGIN exchanges against the script's credentials.</summary>
internal static class ScriptedAuthenticator
{
    public static async Task<ScriptedReply> AuthenticateAsync(
        (string User, string Password) credentials, string line, Func<string, CancellationToken, Task<string?>> prompt, CancellationToken cancellationToken)
    {
        var (user, password) = credentials;
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var mechanism = parts.Length > 1 ? parts[1].ToUpperInvariant() : "";
        string? given;
        if (mechanism == "PLAIN")
        {
            var response = parts.Length > 2 ? parts[2] : await prompt("334 ", cancellationToken).ConfigureAwait(false);
            var fields = Decode(response)?.Split('\0');
            given = fields is { Length: 3 } && fields[1] == user ? fields[2] : null;
        }
        else if (mechanism == "LOGIN")
        {
            var name = Decode(await prompt("334 VXNlcm5hbWU6", cancellationToken).ConfigureAwait(false));
            var secret = Decode(await prompt("334 UGFzc3dvcmQ6", cancellationToken).ConfigureAwait(false));
            given = name == user ? secret : null;
        }
        else
        {
            return ScriptedReply.Lines("504 5.5.4 Unrecognized authentication type");
        }

        return given == password
            ? ScriptedReply.Lines("235 2.7.0 Authentication successful")
            : ScriptedReply.Lines("535 5.7.8 Error: authentication failed");
    }

    private static string? Decode(string? base64)
    {
        try
        {
            return base64 is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
