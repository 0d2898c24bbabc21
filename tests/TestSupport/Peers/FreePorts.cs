using System.Net;
using System.Net.Sockets;

namespace SmtpProbeHub.TestSupport.Peers;

/// <summary>
/// Ports for peers that are separate processes and so cannot be handed a bound socket: the OS picks a free
/// ephemeral port, we release it and the peer binds it. Another process can take it in between, so the peers
/// retry with a new port when their bind fails.
/// </summary>
public static class FreePorts
{
    /// <summary>A TCP port free on <paramref name="address"/> right now.</summary>
    public static int Tcp(IPAddress address)
    {
        using var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    /// <summary>A port free for both UDP and TCP on <paramref name="address"/> right now (for DNS).</summary>
    public static int UdpAndTcp(IPAddress address)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var udp = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            try
            {
                using var tcp = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException)
            {
                // TCP side taken: try another.
            }
        }

        throw new InvalidOperationException($"No port free for both UDP and TCP on {address} after 50 attempts.");
    }
}
