using System.CommandLine;
using System.Net;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>
/// The one place where <c>probe</c>'s options become a <see cref="ProbePlan"/>. Only turns text into values;
/// whether the values are acceptable (CR/LF, lengths, addresses) is the engine's PlanValidator's job.
/// </summary>
internal sealed class ProbePlanMapper(ProbeCommandOptions options, Func<string, string?> environment)
{
    public PlanMapping Map(ParseResult parse)
    {
        var errors = new List<string>();
        var engine = new ProbeEngineOptions
        {
            DnsServers = DnsServers(parse.GetValue(options.DnsServers) ?? [], errors),
            Targets = Targets(parse.GetValue(options.AllowPorts) ?? [], parse.GetValue(options.AllowNetworks) ?? [], errors),
        };
        var plan = new ProbePlan
        {
            To = parse.GetValue(options.To) ?? [],
            From = parse.GetValue(options.From) ?? ProbeDefaults.From,
            Server = parse.GetValue(options.Server),
            Port = parse.GetValue(options.Port),
            Helo = parse.GetValue(options.Helo) ?? ProbeDefaults.Helo,
            Tls = Enum<TlsMode>(parse.GetValue(options.Tls), "--tls", errors) ?? TlsMode.Opportunistic,
            QuitAfter = Enum<StepName>(parse.GetValue(options.QuitAfter), "--quit-after", errors) ?? StepName.Quit,
            Auth = Auth(parse, errors),
            Dsn = Dsn(parse, errors),
            Message = Message(parse, errors),
            Timeouts = Timeouts(parse),
        };

        return errors.Count == 0 ? new PlanMapping(plan, engine, errors) : new PlanMapping(null, engine, errors);
    }

    private AuthPlan? Auth(ParseResult parse, List<string> errors)
    {
        var user = parse.GetValue(options.AuthUser);
        var password = parse.GetValue(options.AuthPassword) ?? environment(ProbeCommandOptions.PasswordVariable);
        var mechanism = Enum<AuthMechanism>(parse.GetValue(options.AuthMechanism), "--auth-mechanism", errors);
        if (user is null)
        {
            if (parse.GetValue(options.AuthPassword) is not null || mechanism is not null)
            {
                errors.Add("--auth-password and --auth-mechanism need --auth-user.");
            }

            return null;
        }

        if (string.IsNullOrEmpty(password))
        {
            errors.Add($"--auth-user needs a password: --auth-password or the environment variable {ProbeCommandOptions.PasswordVariable}.");
            return null;
        }

        return new AuthPlan
        {
            Username = user,
            Password = password,
            Mechanism = mechanism ?? AuthMechanism.Plain,
            AllowWithoutTls = parse.GetValue(options.AllowAuthWithoutTls),
        };
    }

    private DsnPlan? Dsn(ParseResult parse, List<string> errors)
    {
        var notify = parse.GetValue(options.DsnNotify);
        var ret = parse.GetValue(options.DsnRet);
        var envId = parse.GetValue(options.DsnEnvId);
        if (notify is null && ret is null && envId is null)
        {
            return null;
        }

        var plan = new DsnPlan { Ret = Enum<DsnRet>(ret, "--dsn-ret", errors), EnvId = envId };
        if (notify is null)
        {
            return plan;
        }

        var values = notify.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(v => Enum<DsnNotify>(v, "--dsn-notify", errors))
            .OfType<DsnNotify>()
            .Distinct()
            .ToList();
        return plan with { Notify = values };
    }

    private MessagePlan Message(ParseResult parse, List<string> errors)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in parse.GetValue(options.Headers) ?? [])
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                errors.Add("--header expects \"Name: value\".");
                continue;
            }

            if (!headers.TryAdd(header[..colon].Trim(), header[(colon + 1)..].TrimStart(' ')))
            {
                errors.Add($"--header {header[..colon].Trim()} is given twice.");
            }
        }

        return new MessagePlan
        {
            Subject = parse.GetValue(options.Subject) ?? ProbeDefaults.Subject,
            Body = parse.GetValue(options.Body) ?? ProbeDefaults.Body,
            Headers = headers,
        };
    }

    private ProbeTimeouts Timeouts(ParseResult parse)
    {
        var defaults = new ProbeTimeouts();
        return new ProbeTimeouts
        {
            ConnectSeconds = parse.GetValue(options.TimeoutConnect) ?? defaults.ConnectSeconds,
            BannerSeconds = parse.GetValue(options.TimeoutBanner) ?? defaults.BannerSeconds,
            CommandSeconds = parse.GetValue(options.TimeoutCommand) ?? defaults.CommandSeconds,
            MessageSeconds = parse.GetValue(options.TimeoutMessage) ?? defaults.MessageSeconds,
            TotalSeconds = parse.GetValue(options.TimeoutTotal) ?? defaults.TotalSeconds,
        };
    }

    /// <summary>The same target policy as the agent's, widened only by what the command line names.</summary>
    private static Probe.Targets.TargetPolicy Targets(string[] ports, string[] networks, List<string> errors)
    {
        var problems = Probe.Targets.TargetPolicy.Problems(ports, networks, null);
        errors.AddRange(problems.Select(p => $"--allow-port / --allow-network: {Printable(p)}."));
        return problems.Count == 0 ? Probe.Targets.TargetPolicy.Create("target policy", ports, networks, null) : Probe.Targets.TargetPolicy.Default;
    }

    private static List<IPEndPoint> DnsServers(IEnumerable<string> values, List<string> errors)
    {
        var servers = new List<IPEndPoint>();
        foreach (var value in values)
        {
            // IP literals only: resolving the resolver's own name would need a resolver.
            if (IPEndPoint.TryParse(value, out var endpoint))
            {
                servers.Add(endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint);
            }
            else
            {
                errors.Add($"--dns-server expects an IP address with an optional port (1.2.3.4:53, [::1]:53), not '{Printable(value)}'.");
            }
        }

        return servers;
    }

    private static T? Enum<T>(string? value, string option, List<string> errors)
        where T : struct, System.Enum
    {
        if (value is null)
        {
            return null;
        }

        // Names only: Enum.TryParse would also take "3" or "1,2".
        var match = System.Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (match is not null)
        {
            return System.Enum.Parse<T>(match);
        }

        var names = string.Join(", ", System.Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));
        errors.Add($"{option} expects one of {names}, not '{Printable(value)}'.");
        return null;
    }

    /// <summary>Shows a refused value without letting it break the terminal (control characters escaped).</summary>
    private static string Printable(string value) =>
        string.Concat(value.Take(80).Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()));
}

/// <summary>The plan and engine settings read from the command line, or why they could not be read.</summary>
/// <param name="Plan">The plan, null when <paramref name="Errors"/> is not empty.</param>
/// <param name="Engine">Engine settings (DNS servers).</param>
/// <param name="Errors">Problems with the options, in plain words (never echoing a secret).</param>
internal sealed record PlanMapping(ProbePlan? Plan, ProbeEngineOptions Engine, IReadOnlyList<string> Errors);
