using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SmtpProbeHub.TestSupport.Netns;

/// <summary>
/// Sockets that belong to a network namespace while the test process stays in its own: a socket's namespace is
/// fixed when it is created, so a short-lived thread joins the namespace (setns), creates the socket and ends.
/// The test process's other threads never change namespace. Lets a test talk to the hub or listen in a namespace
/// without any route or interface in the root namespace.
/// </summary>
public static class NamespaceSockets
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>A new, unconnected socket in namespace <paramref name="ns"/>.</summary>
    public static Socket Create(string ns, AddressFamily family = AddressFamily.InterNetwork, SocketType type = SocketType.Stream, ProtocolType protocol = ProtocolType.Tcp)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var target = File.OpenHandle($"/run/netns/{ns}");
                if (SetNs(target.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns into network namespace {ns} failed (errno {Marshal.GetLastPInvokeError()}).");
                }

                socket = new Socket(family, type, protocol);
            }
            catch (Exception e)
            {
                failure = e;
            }
        })
        {
            IsBackground = true,
            Name = $"netns {ns}",
        };
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"Could not create a socket in namespace {ns}.", failure);
    }

    /// <summary>An HTTP handler whose connections are made from inside <paramref name="ns"/> (HTTP/1.1 and h2c).</summary>
    public static SocketsHttpHandler HttpHandler(string ns) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = Create(ns);
            try
            {
                socket.NoDelay = true;
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nsType);
}
