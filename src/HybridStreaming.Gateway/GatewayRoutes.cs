using HybridStreaming.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace HybridStreaming.Gateway;

/// <summary>
/// The edge routes of architecture §8.3. Each cluster has one destination, <c>http://{service}</c>, which
/// service discovery (Microsoft.Extensions.ServiceDiscovery.Yarp) turns into one destination per address
/// in <c>services__{service}__http__N</c>, the configuration Aspire writes. Each route names who may use it
/// and which of the <see cref="EdgeLimits"/> applies; the viewer reads (playback, status, viewer counts)
/// are not proxied but answered by <see cref="ViewerReads"/>.
/// </summary>
internal sealed class GatewayRoutes
{
    private static readonly string[] Services = [KnownResources.ChannelsApi, KnownResources.CostApi];

    private static readonly string[] Reads = ["GET", "HEAD"];
    private static readonly string[] Writes = ["POST", "PUT", "PATCH", "DELETE"];

    public GatewayRoutes(IConfiguration configuration)
    {
        // Service discovery passes a name it has no address for through as a host name, so a missing
        // setting would surface as failed requests (DNS); fail at start-up instead, naming it.
        var missing = Services.Where(name => !HasAddress(configuration, name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The gateway does not know where to route. Missing configuration: "
                + string.Join(", ", missing.Select(name => $"services__{name}__http__0"))
                + " (the AppHost sets these).");
        }

        Clusters = [.. Services.Select(Cluster)];

        // Apps' routes need a valid access token at the edge (the services check it again, and check
        // ownership); guests' tokens only on the viewer routes: every channel read (the list, a channel,
        // playback, status, viewer counts), heartbeats and RTC tokens. Provider webhooks carry signatures
        // instead, which the Channel API verifies, and are never rate-limited.
        Routes =
        [
            Route("heartbeat", "/api/channels/{id}/viewers/heartbeat", KnownResources.ChannelsApi, JwtAuthentication.ViewerPolicy, EdgeLimits.Viewer, ["POST"]),
            Route("rtc-token", "/api/channels/{id}/rtc-token", KnownResources.ChannelsApi, JwtAuthentication.ViewerPolicy, EdgeLimits.Control, ["POST"]),
            Route("channels-reads", "/api/channels/{**rest}", KnownResources.ChannelsApi, JwtAuthentication.ViewerPolicy, EdgeLimits.Viewer, Reads),
            Route("channels-root-reads", "/api/channels", KnownResources.ChannelsApi, JwtAuthentication.ViewerPolicy, EdgeLimits.Viewer, Reads),
            Route("channels-writes", "/api/channels/{**rest}", KnownResources.ChannelsApi, Members, EdgeLimits.Control, Writes),
            Route("channels-root-writes", "/api/channels", KnownResources.ChannelsApi, Members, EdgeLimits.Control, Writes),
            Route("costs", "/api/costs/{**rest}", KnownResources.CostApi, Members, EdgeLimits.Viewer),
            Route("webhooks", "/api/webhooks/{**rest}", KnownResources.ChannelsApi, Anonymous, EdgeLimits.Disabled),
        ];
    }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    /// <summary>The default policy: account holders (a guest is 403).</summary>
    private const string Members = "default";
    private const string Anonymous = "anonymous";

    private static RouteConfig Route(string id, string path, string cluster, string authorization, string rateLimit, IReadOnlyList<string>? methods = null) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path, Methods = methods },
        AuthorizationPolicy = authorization,
        RateLimiterPolicy = rateLimit,
    };

    private static ClusterConfig Cluster(string name) => new()
    {
        ClusterId = name,
        Destinations = new Dictionary<string, DestinationConfig>
        {
            [name] = new() { Address = $"http://{name}" },
        },
    };

    private static bool HasAddress(IConfiguration configuration, string name) =>
        configuration.GetSection($"services:{name}:http").GetChildren().Any(child => !string.IsNullOrWhiteSpace(child.Value));
}
