using SmtpProbeHub.Api.Monitors.Scheduling;
using SmtpProbeHub.Api.Probes.Validation;

namespace SmtpProbeHub.Api.Monitors;

/// <summary>
/// Checks a monitor request. The probe template goes through <see cref="ProbeRequestValidator"/>, the one validator of
/// probes, so a monitor can hold exactly what POST /api/v1/probes accepts (its field names prefixed with "probe.").
/// </summary>
internal static class MonitorValidator
{
    public const int MaxWebhooks = 10;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 200;
    public const int MaxUrlLength = 2000;

    public static IReadOnlyDictionary<string, string[]> Validate(MonitorRequest request, MonitorDefinition? previous)
    {
        var errors = new List<(string Field, string Message)>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > 100 || request.Name.Any(char.IsControl))
        {
            errors.Add(("name", "name is required: 1–100 characters without control characters."));
        }

        if (request.Probe is null)
        {
            errors.Add(("probe", "probe is required: the probe request to run, as POST /api/v1/probes takes it."));
        }
        else
        {
            foreach (var (field, messages) in ProbeRequestValidator.Validate(request.Probe, wait: null))
            {
                errors.AddRange(messages.Select(m => ($"probe.{field}", m)));
            }

            if (request.Probe.Auth is not null)
            {
                errors.Add(("probe.auth", "auth is not supported in a monitor: the hub never stores an AUTH password, and a monitor would have to."));
            }
        }

        MonitorSchedule.TryCreate(request.Schedule, errors);
        Range(errors, "alerts.failuresToAlert", request.Alerts?.FailuresToAlert, 1, 100);
        Range(errors, "alerts.passesToRecover", request.Alerts?.PassesToRecover, 1, 100);
        Range(errors, "alerts.certExpiryDays", request.Alerts?.CertExpiryDays, 1, 3650);
        Range(errors, "alerts.slowStepMs", request.Alerts?.SlowStepMs, 1, 600_000);
        ValidateWebhooks(request.Notify?.Webhooks ?? [], previous, errors);

        return errors.GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).Distinct().ToArray(), StringComparer.Ordinal);
    }

    private static void ValidateWebhooks(IReadOnlyList<WebhookRequest> webhooks, MonitorDefinition? previous, List<(string, string)> errors)
    {
        if (webhooks.Count > MaxWebhooks)
        {
            errors.Add(("notify.webhooks", $"At most {MaxWebhooks} webhooks."));
            return;
        }

        for (var i = 0; i < webhooks.Count; i++)
        {
            var field = $"notify.webhooks[{i}]";
            var url = webhooks[i]?.Url?.Trim();
            if (url is null || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 || url.Any(char.IsControl))
            {
                errors.Add(($"{field}.url", $"url is an absolute http:// or https:// URL of at most {MaxUrlLength} characters, without credentials or fragment."));
                continue;
            }

            var secret = webhooks[i].Secret ?? MonitorDefinition.KeptSecret(previous, url);
            if (secret is null || secret.Length < MinSecretLength || secret.Length > MaxSecretLength || secret.Any(char.IsControl))
            {
                errors.Add(($"{field}.secret", $"secret is required ({MinSecretLength}–{MaxSecretLength} characters); on update it may be left out for a webhook whose URL is unchanged."));
            }
        }
    }

    private static void Range(List<(string, string)> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors.Add((field, $"{field.Split('.')[^1]} must be between {min} and {max}."));
        }
    }
}
