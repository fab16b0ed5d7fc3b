using System.Diagnostics;
using FluentAssertions;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using HybridStreaming.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(HybridStreaming.ServiceDefaults.Tests.RedisServer))]

namespace HybridStreaming.ServiceDefaults.Tests;

/// <summary>
/// <c>AddServiceRedis</c>: Aspire's Redis client with our fail-fast settings, one readiness entry named
/// after the connection, and the distributed cache on its multiplexer that misses instead of failing.
/// </summary>
public sealed class RedisClientTests(RedisServer redis)
{
    private const string ApplicationName = "redis-client-tests";

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_multiplexer_fails_fast_names_its_client_and_serves_the_cache()
    {
        using var host = Build(redis.ConnectionString);
        var multiplexer = host.Services.GetRequiredService<IConnectionMultiplexer>();

        var options = ConfigurationOptions.Parse(multiplexer.Configuration);
        options.AbortOnConnectFail.Should().BeFalse();
        options.ConnectTimeout.Should().Be(2000);
        options.SyncTimeout.Should().Be(1000);
        options.AsyncTimeout.Should().Be(1000);
        var server = multiplexer.GetServer(multiplexer.GetEndPoints().Single());
        ((string?)await server.ExecuteAsync("CLIENT", "GETNAME")).Should().Be(ApplicationName);

        var cache = host.Services.GetRequiredService<IDistributedCache>();
        await cache.SetAsync("playback:1", [1, 2, 3], new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) }, CancellationToken);
        (await cache.GetAsync("playback:1", CancellationToken)).Should().Equal(1, 2, 3);
        (await multiplexer.GetDatabase().KeyTimeToLiveAsync("playback:1")).Should().BePositive();
    }

    [Fact]
    public void Timeouts_already_shorter_in_the_connection_string_are_kept()
    {
        using var host = Build($"{redis.ConnectionString},connectTimeout=500,syncTimeout=300");

        var options = ConfigurationOptions.Parse(host.Services.GetRequiredService<IConnectionMultiplexer>().Configuration);

        options.ConnectTimeout.Should().Be(500);
        options.SyncTimeout.Should().Be(300);
        options.AsyncTimeout.Should().Be(300, "Redis's asynchronous timeout defaults to the synchronous one");
    }

    [Fact]
    public async Task Readiness_has_one_Redis_entry_named_after_the_connection()
    {
        using var host = Build(redis.ConnectionString);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken);

        report.Entries.Keys.Should().Equal("redis");
        report.Entries["redis"].Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task While_Redis_is_unreachable_the_cache_misses_quickly_and_readiness_is_unhealthy()
    {
        using var host = Build($"127.0.0.1:{Loopback.FreePort()}");
        var cache = host.Services.GetRequiredService<IDistributedCache>();
        var clock = Stopwatch.StartNew();

        (await cache.GetAsync("playback:1", CancellationToken)).Should().BeNull();
        await cache.SetAsync("playback:1", [1], new(), CancellationToken);
        (await cache.GetAsync("playback:1", CancellationToken)).Should().BeNull();

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "a connect attempt gives up after 2 s and a command after 1 s");
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken);
        report.Entries["redis"].Status.Should().Be(HealthStatus.Unhealthy);
    }

    [Fact]
    public void A_missing_connection_string_fails_at_start_up_naming_the_setting()
    {
        var builder = Builder();

        var register = () => builder.AddServiceRedis("redis");

        register.Should().Throw<InvalidOperationException>().WithMessage("*ConnectionStrings__redis*");
    }

    private static IHost Build(string connectionString)
    {
        var builder = Builder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString });
        builder.AddServiceRedis("redis");
        builder.AddRedisDistributedCache();
        return builder.Build();
    }

    private static HostApplicationBuilder Builder() =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = ApplicationName, DisableDefaults = true });
}
