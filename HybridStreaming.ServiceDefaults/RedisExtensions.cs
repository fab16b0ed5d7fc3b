using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace HybridStreaming.ServiceDefaults;

public static class RedisExtensions
{
    /// <summary>
    /// The service's shared <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings__{name}</c>, from
    /// Aspire's Redis client integration (<c>AddRedisClient</c>, settings under <c>Aspire:StackExchange:Redis</c>),
    /// with a readiness check named after the connection. The multiplexer reconnects by itself, so a Redis
    /// restart is a period of failed calls, not a dead service. (Not named <c>AddRedisClient</c>: that is
    /// Aspire's method, which this one calls.)
    /// </summary>
    public static TBuilder AddServiceRedis<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        // A missing setting is a start-up error that names it, not an error at the first cache call.
        builder.Configuration.GetRequiredConnectionString(connectionName);
        var applicationName = builder.Environment.ApplicationName;

        builder.AddRedisClient(
            connectionName,
            settings =>
            {
                // Aspire's check is the same PING, but named "StackExchange.Redis"; it is added below
                // under the connection's name (the entry operators and the topology tests look for), so
                // there is one Redis check, not two.
                settings.DisableHealthChecks = true;
                // Its tracing profiles every Redis command of every request and drains the profiles on
                // a thread of its own. Without an exporter no span leaves the process (see
                // ConfigureOpenTelemetry), so that work would buy nothing: only when spans are exported.
                settings.DisableTracing = !builder.Configuration.ExportsTelemetry();
            },
            options =>
            {
                options.AbortOnConnectFail = false;
                options.ClientName ??= applicationName;

                // Fail fast while Redis is down, so a cache miss costs milliseconds, not the default 5 s.
                options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
                options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
                options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
            });

        builder.Services.AddHealthChecks().AddRedis(
            sp => sp.GetRequiredService<IConnectionMultiplexer>(),
            name: connectionName,
            tags: ["redis"],
            timeout: TimeSpan.FromSeconds(5));
        return builder;
    }

    /// <summary>Redis as the distributed cache (HybridCache's second level), on the multiplexer of <see cref="AddServiceRedis"/>.</summary>
    public static TBuilder AddRedisDistributedCache<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<Microsoft.Extensions.Caching.Distributed.IDistributedCache, RedisDistributedCache>();
        return builder;
    }
}
