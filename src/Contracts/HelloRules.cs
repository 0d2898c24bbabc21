using System.Text.RegularExpressions;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Contracts;

/// <summary>What a hello must look like before the hub lists the agent (everything in it ends up in logs and the API).</summary>
public static partial class HelloRules
{
    /// <summary>Most runs one agent may declare.</summary>
    public const int MaxCapacity = 256;

    /// <summary>Null when the hello is acceptable, else why not.</summary>
    public static string? Problem(Hello hello)
    {
        if (!IdPattern().IsMatch(hello.AgentId))
        {
            return "agent_id must be 1-64 letters, digits, '_' or '-'";
        }

        if (hello.Name.Length is 0 or > 100 || hello.Name.Any(char.IsControl))
        {
            return "name must be 1-100 printable characters";
        }

        if (hello.Version.Length > 64 || hello.Version.Any(char.IsControl))
        {
            return "version must be at most 64 printable characters";
        }

        if (hello.Capacity is < 1 or > MaxCapacity)
        {
            return $"capacity must be between 1 and {MaxCapacity}";
        }

        return AgentLabels.Problem(hello.Labels) is { } labels ? $"labels: {labels}" : null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex IdPattern();
}
