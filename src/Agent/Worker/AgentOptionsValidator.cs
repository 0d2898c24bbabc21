using System.Net;
using Microsoft.Extensions.Options;
using SmtpProbeHub.Contracts;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>Refuses a configuration the agent cannot run with, at start, with every problem named.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var problems = new List<string>();
        if (HubAddress.Problem(options.HubUrl, options.AllowInsecure) is { } url)
        {
            problems.Add(url);
        }

        if (string.IsNullOrWhiteSpace(options.Name) || options.Name.Length > 100 || options.Name.Any(char.IsControl))
        {
            problems.Add("Agent:Name must be 1-100 printable characters");
        }

        if (options.Capacity is < 1 or > 256)
        {
            problems.Add("Agent:Capacity must be between 1 and 256");
        }

        if (AgentLabels.Problem(options.Labels) is { } labels)
        {
            problems.Add($"Agent:Labels: {labels}");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            problems.Add("Agent:DataDirectory is required");
        }

        foreach (var dns in options.DnsServers)
        {
            if (!IPEndPoint.TryParse(dns, out _))
            {
                problems.Add($"Agent:DnsServers: '{dns}' is not an IP address with optional port");
            }
        }

        if (!string.IsNullOrEmpty(options.HubCaCertificate) && CaProblem(options.HubCaCertificate) is { } ca)
        {
            problems.Add($"Agent:HubCaCertificate: {ca}");
        }

        if (options.Token.Any(c => char.IsControl(c) || c == ' '))
        {
            problems.Add("Agent:Token must not contain spaces or control characters");
        }

        foreach (var problem in options.Targets.Problems())
        {
            problems.Add($"Agent:Targets: {problem}");
        }

        if (options.DrainSeconds is < 0 or > 600)
        {
            problems.Add("Agent:DrainSeconds must be between 0 and 600");
        }

        if (options.KeepAlivePingSeconds is < 1 or > 3600)
        {
            problems.Add("Agent:KeepAlivePingSeconds must be between 1 and 3600");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string? CaProblem(string path)
    {
        if (!File.Exists(path))
        {
            return $"file '{path}' does not exist";
        }

        try
        {
            using var ca = HubChannelFactory.LoadCa(path);
            return null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            return $"'{path}' is not a readable PEM certificate ({ex.Message})";
        }
    }
}
