using HybridStreaming.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace HybridStreaming.Gateway;

/// <summary>
/// The edge routes of architecture §8.3. Cluster addresses come from the same service-discovery
/// configuration Aspire writes (<c>services__{name}__http__0</c>);
/// Microsoft.Extensions.ServiceDiscovery.Yarp is not obtainable, so the mapping is done here.
/// </summary>
internal sealed class GatewayRoutes
{
    public GatewayRoutes(IConfiguration configuration)
    {
        var missing = new List<string>();
        Clusters =
        [
            Cluster(KnownResources.ChannelsApi, configuration, missing),
            Cluster(KnownResources.CostApi, configuration, missing),
        ];
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                "The gateway does not know where to route. Missing configuration: "
                + string.Join(", ", missing.Select(name => $"services__{name}__http__0"))
                + " (the AppHost sets these).");
        }

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

    private static ClusterConfig Cluster(string name, IConfiguration configuration, List<string> missing)
    {
        var destinations = configuration.GetSection($"services:{name}:http").GetChildren()
            .Select(child => child.Value)
            .Where(address => !string.IsNullOrWhiteSpace(address))
            .Select((address, index) => (Key: $"{name}-{index}", Config: new DestinationConfig { Address = address! }))
            .ToDictionary(d => d.Key, d => d.Config);
        if (destinations.Count == 0)
        {
            missing.Add(name);
        }

        return new ClusterConfig { ClusterId = name, Destinations = destinations };
    }
}
