using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Aspire.Hosting;
using Xunit;

[assembly: AssemblyFixture(typeof(HybridStreaming.EndToEnd.Tests.SystemFixture))]

// One scenario at a time: each topology is a whole platform, and two cores cannot run three at full load.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>
/// A whole topology — Postgres, Redis, RabbitMQ, both emulators, the services and the gateway — with
/// short grace and sweep intervals (architecture §8.7). The assembly's main one runs with media;
/// classes that need the no-media or strict emulators start their own.
/// </summary>
public class SystemFixture : IAsyncLifetime
{
    public const string GraceSeconds = "3";
    /// <summary>
    /// Twice the production default (20 s). Twenty sellers going live at once with real media put the
    /// sellers' twenty encoders on the same two cores as the platform, the converters, nginx and the
    /// recorders; there the slowest relay took 14–18 s to start, and one fresh-clone CI run lost half
    /// of them to the 20 s deadline. The fallback tests fail the CDN path outright, so they do not wait
    /// for it either way.
    /// </summary>
    public const string RelayDeadlineSeconds = "40";

    /// <summary>Short presence settings, so a viewer who leaves drops out of the count within seconds.</summary>
    public const int HeartbeatSeconds = 2;

    public const int PresenceWindowSeconds = 5;

    public TestTopology App { get; private set; } = null!;

    public GatewayClient Gateway { get; private set; } = null!;

    public EmulatorClient Agora { get; private set; } = null!;

    public EmulatorClient Cloudflare { get; private set; } = null!;

    /// <summary>The relay start deadline this topology runs with (<see cref="RelayDeadlineSeconds"/> unless a fixture needs another).</summary>
    protected virtual string RelayStartDeadlineSeconds => RelayDeadlineSeconds;

    /// <summary>Configuration for the AppHost (emulator modes).</summary>
    protected virtual IReadOnlyDictionary<string, string> Configuration => new Dictionary<string, string>();

    public async ValueTask InitializeAsync()
    {
        App = await TestTopology.StartAsync(new TestTopologyOptions
        {
            // Two Channel API replicas behind the gateway, as production runs them: every test then also
            // shows that state, caches and viewer counts hold across replicas. Settings on the AppHost
            // reach every replica alike.
            Configuration = new Dictionary<string, string>(Configuration)
            {
                ["AppHost:ChannelsApiReplicas"] = "2",
                ["RELAY_START_DEADLINE_SECONDS"] = RelayStartDeadlineSeconds,
                ["SELLER_GRACE_SECONDS"] = GraceSeconds,
                ["STOP_DEADLINE_SECONDS"] = "30",
                ["DEADLINE_SWEEP_INTERVAL_MS"] = "200",
                ["VIEWER_HEARTBEAT_SECONDS"] = HeartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["VIEWER_PRESENCE_WINDOW_SECONDS"] = PresenceWindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
                // The gauges (live sessions, viewers, outbox backlog, costs) every second, so tests see them move.
                ["METRICS_SAMPLE_SECONDS"] = "1",
            },
            Configure = builder =>
            {
                // A short circuit-breaker pause, so a test can see the CDN path recover after its faults are cleared.
                // And a breaker that opens after four failed calls (ten by default) within its 30 s window, so a
                // single failing go-live trips it, whatever the relay's own retry timing (OperationsTests).
                builder.Project(KnownResources.RelayWorker)
                    .WithEnvironment("CLOUDFLARE_HTTP__BreakerMinimumThroughput", "4")
                    .WithEnvironment("CLOUDFLARE_HTTP__BreakerBreakDuration", "00:00:02")
                    .WithEnvironment("AGORA_HTTP__BreakerBreakDuration", "00:00:02");
            },
        });
        Gateway = new GatewayClient(new HttpClient { BaseAddress = App.GetEndpoint(KnownResources.Gateway), Timeout = TimeSpan.FromSeconds(60) });
        Agora = new EmulatorClient(new HttpClient { BaseAddress = App.GetEndpoint(KnownResources.AgoraEmulator) });
        Cloudflare = new EmulatorClient(new HttpClient { BaseAddress = App.GetEndpoint(KnownResources.CloudflareEmulator) });
        await WarmUpAsync();
    }

    /// <summary>
    /// One whole session before the tests: every service has then compiled its code paths and built its
    /// models, so the tests (and their deadlines) see a running platform, not eight processes warming up
    /// at once on two cores.
    /// </summary>
    private async Task WarmUpAsync()
    {
        var scenario = await Scenario.SellerWithChannelAsync(this);
        await scenario.GoLiveAndWaitAsync();
        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
    }

    /// <summary>A value the AppHost gave a resource (e.g. a webhook secret), to act as the provider in tests.</summary>
    public async Task<string> EnvironmentOfAsync(string resource, string name) =>
        (await App.EnvironmentOfAsync(resource)).TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"{resource} has no {name}");

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
    protected override IReadOnlyDictionary<string, string> Configuration => new Dictionary<string, string> { ["EMULATOR_MEDIA"] = "off" };
}

/// <summary>
/// Without media, with a 5 s relay deadline and 20 s of late-start grace: sessions fall back quickly when
/// their relay is held up (a broker outage, a fault), and a relay that never comes up gives up soon.
/// </summary>
public sealed class SelfHealingSystemFixture : SystemFixture
{
    public const int DeadlineSeconds = 5;

    public const int LateStartGraceSeconds = 20;

    protected override string RelayStartDeadlineSeconds => DeadlineSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override IReadOnlyDictionary<string, string> Configuration => new Dictionary<string, string>
    {
        ["EMULATOR_MEDIA"] = "off",
        ["RELAY_LATE_START_GRACE_SECONDS"] = LateStartGraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The emulators enforcing the providers' quotas and timing (Agora 10 QPS, 50 concurrent recordings).</summary>
public sealed class StrictSystemFixture : SystemFixture
{
    protected override IReadOnlyDictionary<string, string> Configuration => new Dictionary<string, string>
    {
        ["EMULATOR_MEDIA"] = "off",
        ["EMULATOR_STRICT"] = "on",
    };
}
