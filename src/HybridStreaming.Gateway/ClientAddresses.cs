using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace HybridStreaming.Gateway;

/// <summary>
/// Who the client is, behind a load balancer. The per-address limits (viewer reads, guest tokens) and the
/// per-client control limit fall back to the TCP peer's address; behind a load balancer that is the
/// balancer's, and every buyer would share one allowance. <c>GATEWAY_KNOWN_PROXIES</c> (addresses) and
/// <c>GATEWAY_KNOWN_NETWORKS</c> (CIDR ranges) name the balancers whose <c>X-Forwarded-For</c> and
/// <c>X-Forwarded-Proto</c> are trusted (one hop); a request from anywhere else keeps its own address,
/// so a client cannot pick its limit by sending the header itself. Unset: nothing is trusted.
/// </summary>
internal static class ClientAddresses
{
    public const string KnownProxiesKey = "GATEWAY_KNOWN_PROXIES";
    public const string KnownNetworksKey = "GATEWAY_KNOWN_NETWORKS";

    public static IHostApplicationBuilder AddClientAddresses(this IHostApplicationBuilder builder)
    {
        var problems = new List<string>();
        var proxies = Parse<IPAddress>(builder.Configuration[KnownProxiesKey], KnownProxiesKey, "IP addresses", (string value, out IPAddress parsed) => IPAddress.TryParse(value, out parsed!), problems);
        var networks = Parse<System.Net.IPNetwork>(builder.Configuration[KnownNetworksKey], KnownNetworksKey, "CIDR ranges (10.0.0.0/8)", System.Net.IPNetwork.TryParse, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The gateway's trusted proxies are misconfigured: " + string.Join("; ", problems) + ".");
        }

        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.ForwardLimit = 1;
            // The framework trusts loopback by default; here only what the operator names is trusted.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(proxy);
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(network);
            }
        });
        return builder;
    }

    private delegate bool TryParse<T>(string value, out T parsed);

    private static List<T> Parse<T>(string? list, string key, string what, TryParse<T> parse, List<string> problems)
    {
        var parsed = new List<T>();
        foreach (var entry in (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (parse(entry, out var value))
            {
                parsed.Add(value);
            }
            else
            {
                problems.Add($"{key} must list {what} separated by commas ('{entry}' is not one)");
            }
        }

        return parsed;
    }
}
