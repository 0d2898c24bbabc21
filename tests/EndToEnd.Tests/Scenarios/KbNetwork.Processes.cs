using System.Text.Json;
using System.Text.Json.Nodes;
using SmtpProbeHub.TestSupport.Hub;
using SmtpProbeHub.TestSupport.Netns;
using SmtpProbeHub.TestSupport.Processes;
using SmtpProbeHub.TestSupport.Waiting;

namespace SmtpProbeHub.EndToEnd.Tests.Scenarios;

/// <summary>The built hub and agents as real processes in the namespaces.</summary>
public sealed partial class KbNetwork
{
    internal const int HubHttpPort = 8080;
    internal const int HubGrpcPort = 8081;
    private const string AgentToken = "scenario-agent-token";

    private void StartHub()
    {
        var data = Path.Combine(_root, "hub");
        Directory.CreateDirectory(data);
        // The content root is the hub's own folder (its appsettings.json), as for an installed hub.
        var hub = Topology.Start("hub", Topology.Router, BuiltApps.Hub, [], new Dictionary<string, string>
        {
            ["DOTNET_NOLOGO"] = "1",
            ["Hub__DataDirectory"] = data,
            ["Hub__ApiKeys__0"] = ApiKey,
            ["Hub__LocalAgent__Enabled"] = "false",
            ["Hub__Monitors__MinIntervalSeconds"] = "1",
            ["Hub__EnrollmentTokens__scenario"] = AgentToken,
            // REST on one port; gRPC for the agents on its own (plaintext HTTP/2: the test's private networks).
            ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{HubHttpPort}",
            ["Hub__Grpc__Url"] = $"http://0.0.0.0:{HubGrpcPort}",
        });
        _processes.Add(hub);
        // The test talks to the hub from inside the router namespace, on its loopback.
        Hub = new HubClient(new Uri($"http://127.0.0.1:{HubHttpPort}"), NamespaceSockets.HttpHandler(Topology.Router), ApiKey);
    }

    private void StartAgent(string name, string zone, string ns, string hubAddress, string dns)
    {
        var data = Path.Combine(_root, name);
        Directory.CreateDirectory(data);
        _processes.Add(Topology.Start(name, ns, BuiltApps.Agent, [], new Dictionary<string, string>
        {
            ["DOTNET_NOLOGO"] = "1",
            ["Agent__HubUrl"] = $"http://{hubAddress}:{HubGrpcPort}",
            ["Agent__AllowInsecure"] = "true",
            ["Agent__Token"] = AgentToken,
            ["Agent__Name"] = name,
            ["Agent__Labels__zone"] = zone,
            ["Agent__DnsServers__0"] = dns,
            ["Agent__DataDirectory"] = data,
            // Each agent shares its namespace with a mail server, which to the agent is "an address of this machine" (denied by
            // default): listed, as an operator lists the mail server for an agent installed on it.
            ["Agent__Targets__AllowedNetworks__0"] = $"{TopologyAddresses.CorpMail}/32",
            ["Agent__Targets__AllowedNetworks__1"] = $"{TopologyAddresses.InternetMail}/32",
        }));
    }

    private Task WaitForAgentsAsync() =>
        Eventually.ReadAsync(
            async () =>
            {
                if (_processes.FirstOrDefault(p => p.HasExited) is { } exited)
                {
                    throw new InvalidOperationException($"{exited.Name} exited during start.");
                }

                try
                {
                    return (await Hub.GetJsonAsync("/api/v1/agents")).ToString();
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    return e.Message;
                }
            },
            last => last.StartsWith('[') && OnlineZones(last).IsSupersetOf(["inside", "outside"]),
            TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(500),
            () => "The inside and outside agents were not both online at the hub.");

    private static HashSet<string?> OnlineZones(string agents) =>
    [
        .. JsonDocument.Parse(agents).RootElement.EnumerateArray()
            .Where(a => a.GetProperty("status").GetString() == "online")
            .Select(a => a.TryGetProperty("labels", out var labels) && labels.TryGetProperty("zone", out var zone) ? zone.GetString() : null),
    ];

    /// <summary>The KB test against the recipient domain's MX, from every agent, with a short connect timeout.</summary>
    internal static JsonObject KbRequest() => new()
    {
        ["from"] = "admin@test.com",
        ["to"] = new JsonArray("alice@corp.test"),
        ["helo"] = "test.com",
        ["timeouts"] = new JsonObject { ["connectSeconds"] = 3, ["commandSeconds"] = 10, ["totalSeconds"] = 30 },
        ["agents"] = new JsonObject { ["all"] = true },
    };
}
