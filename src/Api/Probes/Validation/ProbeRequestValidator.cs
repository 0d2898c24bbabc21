using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Api.Probes.Validation;

/// <summary>
/// Checks a probe request before anything is dispatched: the request's own fields (recipient count,
/// selector, wait) here, every plan field through the engine's plan validator, so there is one set of
/// rules for what may be put on the wire.
/// </summary>
internal static class ProbeRequestValidator
{
    public const int MaxWaitSeconds = 300;
    public const int MaxSelectorEntries = 100;

    public static IReadOnlyDictionary<string, string[]> Validate(ProbeRequest request, int? wait)
    {
        var errors = new List<PlanError>();
        if (wait is < 0 or > MaxWaitSeconds)
        {
            errors.Add(new("wait", "out_of_range", $"wait must be between 0 and {MaxWaitSeconds} seconds."));
        }

        ValidateSelector(request.Agents, errors);
        errors.AddRange(PlanValidator.Validate(request.ToPlan()));

        return errors.GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct().ToArray(), StringComparer.Ordinal);
    }

    private static void ValidateSelector(AgentSelectorRequest? selector, List<PlanError> errors)
    {
        if (selector is null)
        {
            return;
        }

        var ids = selector.Ids ?? [];
        if (ids.Count > MaxSelectorEntries)
        {
            errors.Add(new("agents.ids", "too_many", $"At most {MaxSelectorEntries} agent ids."));
        }

        for (var i = 0; i < ids.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(ids[i]) || ids[i].Length > 200 || ids[i].Any(char.IsControl))
            {
                errors.Add(new($"agents.ids[{i}]", "invalid", "An agent id is 1–200 characters without control characters."));
            }
        }

        foreach (var (key, value) in selector.Labels ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(key) || key.Length > 100 || key.Any(char.IsControl) || value is null || value.Length > 200 || value.Any(char.IsControl))
            {
                errors.Add(new($"agents.labels.{key}", "invalid", "Label names (1–100) and values (≤200) have no control characters."));
            }
        }
    }
}
