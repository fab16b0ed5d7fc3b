using System.Security.Claims;
using System.Threading.RateLimiting;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HybridStreaming.Gateway;

internal static class Extensions
{
    public const string RateLimitPolicy = "per-client";

    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddJwtAuthentication();

        var routes = new GatewayRoutes(builder.Configuration);
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes.Routes, routes.Clusters)
            .AddServiceDiscoveryDestinationResolver();

        // A token bucket per caller (the token's subject, else the client address): generous for real
        // apps, a brake for runaway clients. GATEWAY_RATE_LIMIT_PER_SECOND tunes it.
        var perSecond = builder.Configuration.GetValue("GATEWAY_RATE_LIMIT_PER_SECOND", 200);
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(RateLimitPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                context.User.FindFirstValue(JwtAuthentication.SubjectClaim) ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond * 2,
                    TokensPerPeriod = perSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
        });
    }
}
