using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace HybridStreaming.ServiceDefaults;

public static class RedisExtensions
{
    /// <summary>
    /// Registers one shared <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings__{name}</c> and
    /// a readiness check that pings it. The multiplexer reconnects by itself, so a Redis restart is a
    /// period of failed calls, not a dead service.
    /// </summary>
    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string connectionName)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(connectionName);
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ClientName ??= builder.Environment.ApplicationName;

        // Fail fast while Redis is down, so a cache miss costs milliseconds, not the default 5 s.
        options.ConnectTimeout = Math.Min(options.ConnectTimeout, 2000);
        options.SyncTimeout = Math.Min(options.SyncTimeout, 1000);
        options.AsyncTimeout = Math.Min(options.AsyncTimeout, 1000);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            HealthStatus.Unhealthy,
            ["redis"],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>Redis as the distributed cache (HybridCache's second level), on the client of <see cref="AddRedisClient"/>.</summary>
    public static TBuilder AddRedisDistributedCache<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton<Microsoft.Extensions.Caching.Distributed.IDistributedCache, RedisDistributedCache>();
        return builder;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var latency = await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("Redis did not answer PING.", exception);
            }
        }
    }
}
