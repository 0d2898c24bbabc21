using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SmtpProbeHub.Probe;
using SmtpProbeHub.Probe.Model;
using SmtpProbeHub.Probe.Serialization;
using SmtpProbeHub.Probe.Validation;

namespace SmtpProbeHub.Agent.ProbeCommand;

/// <summary>
/// <c>agent probe …</c>: runs one probe from this machine and prints what it saw (or <c>--json</c>: the result in
/// the REST contract's shape). Exit code 0 passed, 1 failed, 2 invalid input (nothing sent).
/// </summary>
internal static class ProbeCommandFactory
{
    private static readonly JsonTypeInfo<ProbeResult> IndentedJson = IndentedResult();

    public static Command Create(Func<ProbeEngineOptions, IProbeRunner> createRunner, Func<string, string?> environment)
    {
        var options = new ProbeCommandOptions();
        var command = new Command("probe", "Run the KB 153119 SMTP test (EHLO, MAIL FROM, RCPT TO, DATA, QUIT) once from here");
        foreach (var option in options.All)
        {
            command.Add(option);
        }

        var mapper = new ProbePlanMapper(options, environment);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, options, mapper, createRunner, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult parse, ProbeCommandOptions options, ProbePlanMapper mapper, Func<ProbeEngineOptions, IProbeRunner> createRunner, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var mapping = mapper.Map(parse);
        var errors = mapping.Plan is null
            ? mapping.Errors
            : PlanValidator.Validate(mapping.Plan).Select(e => $"{e.Field}: {e.Message}").ToList();
        if (errors.Count > 0)
        {
            var error = parse.InvocationConfiguration.Error;
            error.WriteLine("Invalid probe, nothing was sent:");
            foreach (var message in errors)
            {
                error.WriteLine($"  {message}");
            }

            return ExitCodes.InvalidInput;
        }

        var plan = mapping.Plan!;
        var runner = createRunner(mapping.Engine);
        ProbeResult result;
        if (parse.GetValue(options.Json))
        {
            result = await runner.RunAsync(plan, observer: null, cancellationToken);
            output.WriteLine(JsonSerializer.Serialize(result, IndentedJson));
        }
        else
        {
            var writer = new TranscriptWriter(output);
            writer.WriteHeader(plan);
            result = await runner.RunAsync(plan, writer, cancellationToken);
            writer.WriteSummary(result);
        }

        return result.Verdict == Verdict.Passed ? ExitCodes.Passed : ExitCodes.Failed;
    }

    private static JsonTypeInfo<ProbeResult> IndentedResult()
    {
        var options = new JsonSerializerOptions(ProbeJson.Options) { WriteIndented = true };
        options.MakeReadOnly();
        return ProbeJson.TypeInfo<ProbeResult>(options);
    }
}

/// <summary>What <c>probe</c> returns to the shell, so scripts can branch on it.</summary>
internal static class ExitCodes
{
    /// <summary>Every step ended as expected.</summary>
    public const int Passed = 0;

    /// <summary>The probe ran and a step failed (see the diagnosis).</summary>
    public const int Failed = 1;

    /// <summary>The options or the plan were invalid: nothing was sent.</summary>
    public const int InvalidInput = 2;
}
