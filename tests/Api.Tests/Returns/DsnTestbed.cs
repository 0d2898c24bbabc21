using Microsoft.Extensions.DependencyInjection;
using SmtpProbeHub.Api.Returns.Receiver;
using SmtpProbeHub.Api.Tests.Support;
using SmtpProbeHub.TestSupport.Postfix;
using SmtpProbeHub.TestSupport.Scripted;

namespace SmtpProbeHub.Api.Tests.Returns;

/// <summary>
/// The hub with its return-path receiver on a loopback port, and a real Postfix that routes the return domain to it
/// (transport map): what Postfix reports about a probe's message comes back to the hub as a real DSN. Its recipients:
/// alice delivered (discarded, reported as delivered); gone and slow accepted, then relayed to a next hop that refuses
/// gone (550) and defers slow (451), with a delay warning after a second.
/// </summary>
public sealed class DsnTestbed : IAsyncLifetime
{
    public const string ReturnDomain = "returns.test";

    internal HubFactory Hub { get; } = new(settings: new()
    {
        ["Hub:Returns:Domain"] = ReturnDomain,
        ["Hub:Returns:Listen"] = "127.0.0.1:0",
    });

    public PostfixInstance Postfix { get; private set; } = null!;

    /// <summary>The next hop of gone and slow: refuses one, defers the other.</summary>
    public ScriptedSmtpServer NextHop { get; } = ScriptedSmtpServer.Start(s => s.On("RCPT", command => command.Contains("gone@", StringComparison.Ordinal)
        ? ScriptedReply.Lines("550 5.1.1 <gone@corp.test>: mailbox disabled after acceptance")
        : ScriptedReply.Lines("451 4.2.2 <slow@corp.test>: mailbox busy, try again later")));

    public System.Net.IPEndPoint Receiver => Hub.Services.GetRequiredService<ReturnPathReceiver>().LocalEndPoint!;

    public async ValueTask InitializeAsync()
    {
        _ = Hub.CreateClient();
        var transports = string.Join(", ",
            $"{{{ReturnDomain} = smtp:[127.0.0.1]:{Receiver.Port}}}",
            $"{{gone@corp.test = smtp:[127.0.0.1]:{NextHop.Port}}}",
            $"{{slow@corp.test = smtp:[127.0.0.1]:{NextHop.Port}}}");
        Postfix = await PostfixInstance.StartAsync(new PostfixOptions
        {
            LocalUsers = ["alice", "bob", "postmaster", "gone", "slow"],
            Settings = new Dictionary<string, string>
            {
                ["transport_maps"] = $"inline:{{ {transports} }}",
                // Delay warnings after a second, with retries every second: NOTIFY=DELAY is answered within seconds.
                ["delay_warning_time"] = "1s",
                ["queue_run_delay"] = "1s",
                ["minimal_backoff_time"] = "1s",
                ["maximal_backoff_time"] = "1s",
            },
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Postfix is not null)
        {
            await Postfix.DisposeAsync();
        }

        await Hub.DisposeAsync();
        await NextHop.DisposeAsync();
    }
}
