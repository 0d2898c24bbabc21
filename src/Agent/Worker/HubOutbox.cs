using System.Threading.Channels;
using SmtpProbeHub.Contracts.V1;

namespace SmtpProbeHub.Agent.Worker;

/// <summary>
/// The way out to the hub for the session that is connected now, if any. Runs outlive sessions:
/// what they send while no session is connected is dropped, except results, which the spool keeps
/// and the next session re-sends.
/// </summary>
internal sealed class HubOutbox
{
    private volatile ChannelWriter<AgentMessage>? _current;

    public bool IsConnected => _current is not null;

    public bool TrySend(AgentMessage message) => _current?.TryWrite(message) ?? false;

    public void Attach(ChannelWriter<AgentMessage> writer) => _current = writer;

    public void Detach(ChannelWriter<AgentMessage> writer) => Interlocked.CompareExchange(ref _current, null, writer);
}
