using SmtpProbeHub.TestSupport.Hub;

namespace SmtpProbeHub.EndToEnd.Tests.Agents.Processes;

/// <summary>
/// The hub the agent tests run: the built-in agent off (the agents under test are the only vantage points), one
/// enrolment token, heartbeats every second so a lost agent is noticed within seconds.
/// </summary>
internal static class FleetHub
{
    public const string Token = "e2e-agent-token-5c1f0a";
    public const double HeartbeatTimeoutSeconds = 4;

    /// <summary>Starts a hub; <paramref name="grpcScheme"/> https needs Hub:Grpc:CertificatePath/KeyPath among <paramref name="extraArguments"/>.</summary>
    public static Task<HubProcess> StartAsync(string grpcScheme = "http", params string[] extraArguments) =>
        HubProcess.StartAsync(new HubProcessOptions
        {
            LocalAgent = false,
            AgentToken = Token,
            GrpcScheme = grpcScheme,
            Arguments = ["--Hub:Grpc:HeartbeatSeconds=1", $"--Hub:Grpc:HeartbeatTimeoutSeconds={HeartbeatTimeoutSeconds}", .. extraArguments],
        });
}
