using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.Probe.Serialization;

namespace SmtpProbeHub.Contracts.Tests.Mapping;

internal static class JsonShape
{
    public static string Of<T>(T value) => JsonSerializer.Serialize(value, ProbeJson.Options);

    /// <summary>Paths of members that are null or empty in the JSON of <paramref name="value"/>.</summary>
    public static IReadOnlyList<string> UnsetMembers<T>(T value)
    {
        var unset = new List<string>();
        Walk(JsonNode.Parse(Of(value)), "$", unset);
        return unset;
    }

    private static void Walk(JsonNode? node, string path, List<string> unset)
    {
        switch (node)
        {
            case null:
                unset.Add(path);
                break;
            case JsonObject obj:
                if (obj.Count == 0)
                {
                    unset.Add(path);
                }

                foreach (var (name, child) in obj)
                {
                    Walk(child, $"{path}.{name}", unset);
                }

                break;
            case JsonArray array:
                if (array.Count == 0)
                {
                    unset.Add(path);
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", unset);
                }

                break;
        }
    }
}
