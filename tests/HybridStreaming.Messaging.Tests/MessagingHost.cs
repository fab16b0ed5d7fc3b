using HybridStreaming.Messaging.Database;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Messaging.Tests;

/// <summary>A service host wired exactly as the real services wire messaging, on a test database and broker.</summary>
public sealed class MessagingHost : IAsyncDisposable
{
    private readonly IHost _host;

    private MessagingHost(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public ConsumerProbe Probe => Services.GetRequiredService<ConsumerProbe>();

    public static async Task CreateSchemaAsync(string databaseConnectionString)
    {
        var options = new DbContextOptionsBuilder<TestDbContext>();
        options.UseServiceDatabase(databaseConnectionString);
        await using var db = new TestDbContext(options.Options);
        await db.Database.EnsureCreatedAsync();
        foreach (var statement in MessagingMigrationBuilderExtensions.NotifyTriggerStatements)
        {
            await db.Database.ExecuteSqlRawAsync(statement);
        }
    }

    /// <param name="consume">false: a replica that only relays its outbox (no consumer endpoint).</param>
    public static async Task<MessagingHost> StartAsync(string databaseConnectionString, string brokerConnectionString, string serviceName, bool consume = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:testdb"] = databaseConnectionString,
            ["ConnectionStrings:rabbitmq"] = brokerConnectionString,
            ["Messaging:Outbox:MaxBackoff"] = "00:00:02",
            ["Messaging:Retry:MinInterval"] = "00:00:00.050",
        });
        builder.AddServiceDatabase<TestDbContext>("testdb", migrateOnStartup: false);
        builder.AddMessaging<TestDbContext>(serviceName, bus =>
        {
            if (consume)
            {
                bus.AddConsumer<WidgetCreatedConsumer, WidgetCreatedConsumerDefinition>();
            }
        });
        builder.Services.AddSingleton<ConsumerProbe>();

        var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBusControl>();
        await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        return new MessagingHost(host);
    }

    public async Task<T> WithDbAsync<T>(Func<TestDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TestDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
