using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace HybridStreaming.Testing;

/// <summary>Free loopback ports for servers a test starts itself, never the same one twice in this process.</summary>
public static class Loopback
{
    private static readonly ConcurrentDictionary<int, bool> Given = new();

    public static int FreePort()
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
}

/// <summary>The repository this test runs from (the folder holding <c>HybridStreaming.sln</c>).</summary>
public static class Repository
{
    public static string Root { get; } = Find(AppContext.BaseDirectory) ?? Find(Environment.CurrentDirectory)
        ?? throw new InvalidOperationException($"Cannot find HybridStreaming.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");

    private static string? Find(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HybridStreaming.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
