using HybridStreaming.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace HybridStreaming.Gateway;

/// <summary>
/// The edge routes of architecture §8.3. Each cluster has one destination, <c>http://{service}</c>, which
/// service discovery (Microsoft.Extensions.ServiceDiscovery.Yarp) turns into one destination per address
/// in <c>services__{service}__http__N</c>, the configuration Aspire writes.
/// </summary>
internal sealed class GatewayRoutes
{
    private static readonly string[] Services = [KnownResources.ChannelsApi, KnownResources.CostApi];

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
        // ownership); provider webhooks carry signatures instead, which the Channel API verifies.
        Routes =
        [
            Route("channels", "/api/channels/{**rest}", KnownResources.ChannelsApi, Authenticated),
            Route("channels-root", "/api/channels", KnownResources.ChannelsApi, Authenticated),
            Route("costs", "/api/costs/{**rest}", KnownResources.CostApi, Authenticated),
            Route("webhooks", "/api/webhooks/{**rest}", KnownResources.ChannelsApi, Anonymous),
        ];
    }

    public IReadOnlyList<RouteConfig> Routes { get; }

    public IReadOnlyList<ClusterConfig> Clusters { get; }

    private const string Authenticated = "default";
    private const string Anonymous = "anonymous";

    private static RouteConfig Route(string id, string path, string cluster, string authorization) => new()
    {
        RouteId = id,
        ClusterId = cluster,
        Match = new RouteMatch { Path = path },
        AuthorizationPolicy = authorization,
        RateLimiterPolicy = Extensions.RateLimitPolicy,
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
