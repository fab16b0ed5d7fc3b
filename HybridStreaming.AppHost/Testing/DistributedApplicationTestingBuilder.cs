using HybridStreaming.AppHost.Hosting;
using HybridStreaming.AppHost.Hosting.Resources;
using Microsoft.Extensions.Configuration;

namespace HybridStreaming.AppHost.Testing;

/// <summary>
/// The tests' entry point to the topology, in the spirit of Aspire's
/// <c>DistributedApplicationTestingBuilder</c>: the same <see cref="AppTopology"/> as
/// <c>dotnet run</c>, but on ports chosen at run time, in a throw-away state folder, quietly (logs go to
/// files), optionally only a subset, and — when the test has them — on given Postgres/Redis/RabbitMQ
/// servers instead of starting its own.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static DistributedApplicationBuilder Create(
        Action<DistributedApplicationOptions>? configureOptions = null,
        IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var options = new DistributedApplicationOptions
        {
            StateDirectory = Path.Combine(Path.GetTempPath(), "hybridstreaming-tests", "topology-" + Guid.NewGuid().ToString("N")[..12]),
            ConsoleLogs = false,
            // HS_KEEP_TEST_STATE=1 keeps the folder (logs of every resource) for debugging a failed test.
            EphemeralState = Environment.GetEnvironmentVariable("HS_KEEP_TEST_STATE") != "1",
            DurableInfrastructure = false,
            DashboardPort = -1,
            GatewayPort = 0,
            AgoraEmulatorPort = 0,
            CloudflareEmulatorPort = 0,
            PostgresPort = 0,
            RedisPort = 0,
            RabbitMqPort = 0,
            RabbitMqDistributionPort = 0,
            RabbitMqEpmdPort = 0,
            RabbitMqManagementPort = 0,
            RabbitMqNodeName = $"hs-{Guid.NewGuid():N}"[..16] + "@localhost",
        };
        configureOptions?.Invoke(options);

        var builder = new DistributedApplicationBuilder(
            new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build(),
            options);
        return AppTopology.Define(builder);
    }

    /// <summary>The project resource named <paramref name="name"/>, to add test settings (short deadlines, fault switches).</summary>
    public static ProjectResource Project(this DistributedApplicationBuilder builder, string name) =>
        builder.Resources.OfType<ProjectResource>().FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"No project named '{name}'.");

    /// <summary>Builds, starts and waits until every resource is healthy (with a report of what is not, on failure).</summary>
    public static async Task<DistributedApplication> StartAsync(this DistributedApplicationBuilder builder, TimeSpan? timeout = null)
    {
        var app = builder.Build();
        try
        {
            await app.StartAsync();
            await app.WaitForHealthyAsync(timeout ?? TimeSpan.FromMinutes(3));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }
}
