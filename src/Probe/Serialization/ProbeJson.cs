using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Serialization;

/// <summary>
/// The JSON shape of the public contract (DESIGN.md): camelCase names, enums as camelCase strings
/// ("starttls", "agentLost"), nulls kept so automation sees every documented field.
/// The hub, the agent's <c>--json</c> output and stored results all use these options.
/// </summary>
/// <remarks>
/// Where reflection exists (the hub, tests) the reflection serializer reads and writes, for the model and any other
/// type. In the Native AOT agent it does not, and the source-generated <see cref="ProbeJsonContext"/> does: the same
/// bytes out, but on reading, a member absent from the JSON gets its type's default instead of the model's
/// initializer (init-only properties, dotnet/runtime#84484). The agent reads only what ProbeJson wrote (every member,
/// nulls kept), so that never shows; a JSON body written by hand goes to the hub, which reads it by reflection.
/// </remarks>
public static class ProbeJson
{
    /// <summary>Shared, read-only options.</summary>
    public static JsonSerializerOptions Options { get; } = JsonSerializer.IsReflectionEnabledByDefault ? CreateReflectionBased() : CreateSourceGenerated();

    /// <summary>The metadata of <typeparamref name="T"/> under <see cref="Options"/> (what AOT-safe callers pass to <see cref="JsonSerializer"/>).</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() => TypeInfo<T>(Options);

    /// <summary>The metadata of <typeparamref name="T"/> under options derived from <see cref="Options"/> (e.g. indented).</summary>
    public static JsonTypeInfo<T> TypeInfo<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    /// <summary>Applies the contract's conventions to options owned by someone else (ASP.NET's, in the hub), for its own types too.</summary>
    [RequiresUnreferencedCode("Adds the reflection-based enum converter, for enums outside the probe model.")]
    [RequiresDynamicCode("Adds the reflection-based enum converter, for enums outside the probe model.")]
    public static void Configure(JsonSerializerOptions options)
    {
        ApplyConventions(options);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    /// <summary>The options of a trimmed or AOT app: the probe model only, with generated metadata.</summary>
    internal static JsonSerializerOptions CreateSourceGenerated()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = ProbeJsonContext.Default };
        ApplyConventions(options);
        options.MakeReadOnly();
        return options;
    }

    // Called only when JsonSerializer.IsReflectionEnabledByDefault is true; a trimmed or AOT app turns that
    // feature switch off, so the trimmer removes this call and with it the reflection serializer.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Reached only when JsonSerializer.IsReflectionEnabledByDefault is true, i.e. never in a trimmed app.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Reached only when JsonSerializer.IsReflectionEnabledByDefault is true, i.e. never in a native AOT app.")]
    private static JsonSerializerOptions CreateReflectionBased()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        Configure(options);
        options.MakeReadOnly();
        return options;
    }

    private static void ApplyConventions(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // One generic converter per model enum: the non-generic factory needs runtime code generation.
        options.Converters.Add(new JsonStringEnumConverter<StepName>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<StepOutcome>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<Verdict>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<TlsMode>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<TranscriptDirection>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<AuthMechanism>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<DsnNotify>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<DsnRet>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }
}
