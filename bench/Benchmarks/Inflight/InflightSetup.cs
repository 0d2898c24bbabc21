namespace SmtpProbeHub.Benchmarks.Inflight;

/// <summary>
/// Where the probes of the in-flight section run: the hub's built-in agent (<paramref name="Agents"/> = 0), or that many
/// remote agent processes, the probes spread over them round-robin by label.
/// </summary>
internal sealed record InflightSetup(string Name, int Agents, int CapacityPerAgent)
{
    public bool BuiltIn => Agents == 0;
    public int TotalCapacity => BuiltIn ? CapacityPerAgent : Agents * CapacityPerAgent;
    public string Label => BuiltIn ? $"built-in agent (capacity {CapacityPerAgent:#,0})"
        : Agents == 1 ? $"1 remote agent (capacity {CapacityPerAgent:#,0})" : $"{Agents} remote agents (capacity {CapacityPerAgent:#,0} each)";

    /// <summary>With every slot busy all the time: ceil(N / total capacity) waves, each held by the banner delay.</summary>
    public TimeSpan Ideal(int probes, TimeSpan bannerDelay) => bannerDelay * Math.Ceiling((double)probes / TotalCapacity);
}
