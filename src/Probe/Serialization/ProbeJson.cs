using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmtpProbeHub.Probe.Serialization;

/// <summary>
/// The JSON shape of the public contract (DESIGN.md): camelCase names, enums as camelCase strings
/// ("starttls", "agentLost"), nulls kept so automation sees every documented field.
/// The hub, the agent's <c>--json</c> output and stored results all use these options.
/// </summary>
public static class ProbeJson
{
    /// <summary>Shared, read-only options.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the contract's conventions to options owned by someone else (e.g. ASP.NET's).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
