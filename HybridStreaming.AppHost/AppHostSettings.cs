using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.AppHost;

/// <summary>
/// How the AppHost runs, from configuration section <c>AppHost</c> (command line
/// <c>./run.sh --AppHost:GatewayPort=9090</c>, or environment <c>AppHost__GatewayPort=9090</c>).
/// A port of 0 means "any free loopback port" (what the tests use).
/// </summary>
public sealed class AppHostSettings
{
    /// <summary>Data of the local servers and the generated development credentials. Default: <c>&lt;repo&gt;/.state</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Where Postgres, Redis and RabbitMQ come from: <c>local</c> (Debian's binaries as executable resources) or <c>containers</c> (Aspire's container resources; needs a container runtime).</summary>
    public string Infrastructure { get; set; } = "local";

    /// <summary>Persist infrastructure data safely (fsync, Redis snapshots). Tests turn it off for speed.</summary>
    public bool DurableInfrastructure { get; set; } = true;

    public int GatewayPort { get; set; } = 8080;

    public int AgoraEmulatorPort { get; set; } = 8091;

    public int CloudflareEmulatorPort { get; set; } = 8092;

    /// <summary>Fixed ports of the local servers, so connection strings stay the same between runs.</summary>
    public int PostgresPort { get; set; } = 55432;

    public int RedisPort { get; set; } = 56379;

    public int RabbitMqPort { get; set; } = 55672;

    public int RabbitMqDistributionPort { get; set; } = 55673;

    public int RabbitMqEpmdPort { get; set; } = 54369;

    /// <summary>Enable RabbitMQ's management UI on <see cref="RabbitMqManagementPort"/> (slower start).</summary>
    public bool RabbitMqManagement { get; set; }

    public int RabbitMqManagementPort { get; set; } = 55674;

    /// <summary>Erlang node name of the local broker; tests give each broker its own.</summary>
    public string RabbitMqNodeName { get; set; } = "hybridstreaming@localhost";

    /// <summary>
    /// How many Channel API processes run behind the gateway (<c>channels-api</c>, <c>channels-api-2</c>, …):
    /// they share the database, Redis and the queues, as replicas do in production.
    /// </summary>
    public int ChannelsApiReplicas { get; set; } = 1;

    /// <summary>
    /// Run Debian's Prometheus beside the services (off by default): it scrapes every service's internal
    /// metrics endpoint and evaluates deploy/monitoring/alerts.yml, on <see cref="PrometheusPort"/>.
    /// </summary>
    public bool Prometheus { get; set; }

    public int PrometheusPort { get; set; } = 59090;

    /// <summary>Start only these resources (comma-separated) and what they depend on, e.g. <c>channels-api</c>.</summary>
    public string? Only { get; set; }

    public static AppHostSettings From(IConfiguration configuration, string appHostDirectory)
    {
        var settings = new AppHostSettings();
        configuration.GetSection("AppHost").Bind(settings);
        settings.StateDirectory = Path.GetFullPath(
            string.IsNullOrWhiteSpace(settings.StateDirectory)
                ? Path.Combine(appHostDirectory, "..", ".state")
                : settings.StateDirectory);
        Directory.CreateDirectory(settings.StateDirectory);
        return settings;
    }

    public string State(params string[] parts) => Path.Combine([StateDirectory!, .. parts]);

    public IReadOnlySet<string>? OnlySet =>
        string.IsNullOrWhiteSpace(Only)
            ? null
            : Only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>The port itself, or a free loopback port for 0.</summary>
    public static int PortOrFree(int port) => port > 0 ? port : FreePorts.Next();

    /// <summary>A free loopback port, never the same one twice in this process (tests' own servers use it too).</summary>
    public static int FreePort() => FreePorts.Next();

    /// <summary>Free loopback ports, never the same one twice in this process.</summary>
    private static class FreePorts
    {
        private static readonly ConcurrentDictionary<int, bool> Given = new();

        public static int Next()
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
}
