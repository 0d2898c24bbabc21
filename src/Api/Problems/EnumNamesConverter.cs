using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmtpProbeHub.Api.Problems;

/// <summary>
/// Enums in request and response JSON as the contract's camelCase names, exactly as
/// <see cref="JsonStringEnumConverter{TEnum}"/> reads and writes them; but a value that names none of them fails with
/// the names that would do ("expected one of none, opportunistic, required, implicit") instead of System.Text.Json's
/// "could not be converted to System.Nullable`1[SmtpProbeHub.Probe.Model.TlsMode]", which tells a client nothing it
/// can use. The exception handler puts the message under the field's JSON path.
/// </summary>
internal sealed class EnumNamesConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert), options)!;

    /// <summary>"expected one of a, b, c": the accepted names of <typeparamref name="T"/> as the JSON spells them.</summary>
    public static string Expected<T>() where T : struct, Enum =>
        "expected one of " + string.Join(", ", Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName));

    private sealed class Converter<T>(JsonSerializerOptions options) : JsonConverter<T> where T : struct, Enum
    {
        private readonly JsonConverter<T> _names = (JsonConverter<T>)new JsonStringEnumConverter<T>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
            .CreateConverter(typeof(T), options);

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return _names.Read(ref reader, typeToConvert, options);
            }
            catch (JsonException)
            {
                // A fresh exception: System.Text.Json adds the path, and keeps a message it did not write.
                throw new JsonException(Expected<T>());
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => _names.Write(writer, value, options);

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            _names.ReadAsPropertyName(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            _names.WriteAsPropertyName(writer, value, options);
    }
}
