using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// How the AppHost runs, from configuration (section <c>AppHost</c>; command line
/// <c>--AppHost:GatewayPort=9090</c> or environment <c>AppHost__GatewayPort=9090</c>).
/// </summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Data of the local servers, logs and the process list. Default: <c>&lt;repo&gt;/.state</c>.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>Delete the state folder when the application is disposed (test topologies).</summary>
    public bool EphemeralState { get; set; }

    /// <summary><c>ASPNETCORE_ENVIRONMENT</c> of the services (Development, as under Aspire).</summary>
    public string ServiceEnvironment { get; set; } = "Development";

    /// <summary>Print resource output to the console, prefixed (files are always written).</summary>
    public bool ConsoleLogs { get; set; } = true;

    /// <summary>Persist infrastructure data safely (fsync, Redis snapshots). Tests turn it off for speed.</summary>
    public bool DurableInfrastructure { get; set; } = true;

    /// <summary>The web dashboard's port on 127.0.0.1; 0 picks a free one; -1 turns it off.</summary>
    public int DashboardPort { get; set; } = 18888;

    public int GatewayPort { get; set; } = 8080;

    public int AgoraEmulatorPort { get; set; } = 8091;

    public int CloudflareEmulatorPort { get; set; } = 8092;

    /// <summary>Fixed ports of the local servers, so connection strings stay the same between runs; 0 picks free ones.</summary>
    public int PostgresPort { get; set; } = 55432;

    public int RedisPort { get; set; } = 56379;

    public int RabbitMqPort { get; set; } = 55672;

    public int RabbitMqDistributionPort { get; set; } = 55673;

    public int RabbitMqEpmdPort { get; set; } = 54369;

    public int RabbitMqManagementPort { get; set; } = 55674;

    /// <summary>Enable RabbitMQ's management UI (slower start).</summary>
    public bool RabbitMqManagement { get; set; }

    public string RabbitMqNodeName { get; set; } = "hybridstreaming@localhost";

    /// <summary>Start only these resources (comma-separated) and what they depend on.</summary>
    public string? Only { get; set; }

    /// <summary>OTLP settings passed through to every service when the AppHost has them.</summary>
    public Dictionary<string, string> OtlpEnvironment { get; } = new(StringComparer.Ordinal);

    public static DistributedApplicationOptions From(IConfiguration configuration)
    {
        var options = new DistributedApplicationOptions();
        configuration.GetSection("AppHost").Bind(options);
        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS" })
        {
            if (configuration[name] is { Length: > 0 } value)
            {
                options.OtlpEnvironment[name] = value;
            }
        }

        return options;
    }

    internal static int PortOrFree(int port) => port > 0 ? port : PortAllocator.GetFreePort();

    internal IReadOnlySet<string>? OnlySet =>
        string.IsNullOrWhiteSpace(Only)
            ? null
            : Only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"state={StateDirectory} gateway={GatewayPort}");
}
