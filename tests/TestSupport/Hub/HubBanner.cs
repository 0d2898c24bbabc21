using System.Text.RegularExpressions;

namespace SmtpProbeHub.TestSupport.Hub;

/// <summary>
/// The ports a hub started on port 0 actually bound, read from its start-up banner ("Swagger UI: http://localhost:N/swagger",
/// "Agent endpoint (gRPC): http://127.0.0.1:N"): tests never pick a free port and hope it is still free when the hub binds it.
/// </summary>
public static partial class HubBanner
{
    public static int? RestPort(IEnumerable<string> lines) => Port(lines, SwaggerLine());

    public static int? GrpcPort(IEnumerable<string> lines) => Port(lines, AgentLine());

    private static int? Port(IEnumerable<string> lines, Regex pattern) =>
        lines.Select(l => pattern.Match(l)).FirstOrDefault(m => m.Success) is { } match ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;

    [GeneratedRegex(@"Swagger UI: https?://[^/]+:(\d+)/swagger")]
    private static partial Regex SwaggerLine();

    [GeneratedRegex(@"Agent endpoint \(gRPC\): https?://[^/]+:(\d+)")]
    private static partial Regex AgentLine();
}
