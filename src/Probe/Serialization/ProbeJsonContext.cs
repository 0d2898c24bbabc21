using System.Text.Json;
using System.Text.Json.Serialization;
using SmtpProbeHub.Probe.Model;

namespace SmtpProbeHub.Probe.Serialization;

/// <summary>
/// Compile-time JSON metadata for the probe model, so the agent can be published Native AOT (no reflection
/// serializer there). Only the types: the contract's conventions (enum strings, naming) come from
/// <see cref="ProbeJson"/>'s options, which this context serves as resolver.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProbePlan))]
[JsonSerializable(typeof(ProbeResult))]
[JsonSerializable(typeof(ProbeStep))]
[JsonSerializable(typeof(TranscriptEntry))]
[JsonSerializable(typeof(Diagnosis))]
[JsonSerializable(typeof(List<ProbeStep>))]
[JsonSerializable(typeof(List<TranscriptEntry>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ProbeJsonContext : JsonSerializerContext;
