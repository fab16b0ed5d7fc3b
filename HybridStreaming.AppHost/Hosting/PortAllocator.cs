using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>Hands out free loopback ports, never the same one twice in this process.</summary>
public static class PortAllocator
{
    private static readonly ConcurrentDictionary<int, bool> Given = new();

    public static int GetFreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (Given.TryAdd(port, true))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free loopback port found.");
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
