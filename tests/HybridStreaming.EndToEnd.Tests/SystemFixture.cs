using HybridStreaming.AppHost.Hosting;
using HybridStreaming.AppHost.Testing;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(HybridStreaming.EndToEnd.Tests.SystemFixture))]

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// A whole topology — Postgres, Redis, RabbitMQ, both emulators, the services and the gateway — with
/// short deadlines, as architecture §8.7 asks of tests. The assembly's main one runs with media;
/// classes that need the no-media or strict emulators start their own.
/// </summary>
public class SystemFixture : IAsyncLifetime
{
    public const string GraceSeconds = "3";
    public const string RelayDeadlineSeconds = "8";

    public DistributedApplication App { get; private set; } = null!;

    public GatewayClient Gateway { get; private set; } = null!;

    public EmulatorClient Agora { get; private set; } = null!;

    public EmulatorClient Cloudflare { get; private set; } = null!;

    /// <summary>Configuration for the AppHost (emulator modes).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        var builder = DistributedApplicationTestingBuilder.Create(configuration: Configuration);
        builder.Project(KnownResources.ChannelsApi)
            .WithEnvironment("RELAY_START_DEADLINE_SECONDS", RelayDeadlineSeconds)
            .WithEnvironment("SELLER_GRACE_SECONDS", GraceSeconds)
            .WithEnvironment("STOP_DEADLINE_SECONDS", "30")
            .WithEnvironment("DEADLINE_SWEEP_INTERVAL_MS", "200");
        builder.Project(KnownResources.Gateway).WithEnvironment("GATEWAY_RATE_LIMIT_PER_SECOND", "5000");
        App = await builder.StartAsync(TimeSpan.FromMinutes(4));
        Gateway = new GatewayClient(new HttpClient { BaseAddress = App.GetEndpoint(KnownResources.Gateway), Timeout = TimeSpan.FromSeconds(60) });
        Agora = new EmulatorClient(new HttpClient { BaseAddress = App.GetEndpoint(KnownResources.AgoraEmulator) });
        Cloudflare = new EmulatorClient(new HttpClient { BaseAddress = App.GetEndpoint(KnownResources.CloudflareEmulator) });
    }

    /// <summary>A value the AppHost gave a resource (e.g. a webhook secret), to act as the provider in tests.</summary>
    public string EnvironmentOf(string resource, string name) =>
        App.Resources.OfType<HybridStreaming.AppHost.Hosting.Resources.ProjectResource>().Single(p => p.Name == resource).ResolveEnvironment()[name]
        ?? throw new KeyNotFoundException($"{resource} has no {name}");

    public async ValueTask DisposeAsync()
    {
        Gateway?.Http.Dispose();
        Agora?.Http.Dispose();
        Cloudflare?.Http.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The emulators without ffmpeg or nginx, for many sessions at once.</summary>
public sealed class NoMediaSystemFixture : SystemFixture
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?> { ["EMULATOR_MEDIA"] = "off" };
}

/// <summary>The emulators enforcing the providers' quotas and timing (Agora 10 QPS, 50 concurrent recordings).</summary>
public sealed class StrictSystemFixture : SystemFixture
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["EMULATOR_MEDIA"] = "off",
        ["EMULATOR_STRICT"] = "on",
    };
}
