using System.Net.Http.Headers;
using System.Text;
using FluentAssertions;
using Aspire.Hosting;
using HybridStreaming.AppHost;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;

namespace HybridStreaming.Emulators.Tests.Infrastructure;

/// <summary>
/// Both emulators started through the AppHost's testing entry point (only them), with their webhooks
/// pointed at a <see cref="WebhookReceiver"/> and quick webhook retries.
/// </summary>
public sealed class EmulatorTopology : IAsyncDisposable
{
    private EmulatorTopology(TestTopology app, WebhookReceiver receiver, ProviderSettings providers)
    {
        App = app;
        Webhooks = receiver;
        Providers = providers;
        Agora = new HttpClient { BaseAddress = app.GetEndpoint(KnownResources.AgoraEmulator), Timeout = TimeSpan.FromSeconds(60) };
        Agora.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{providers.AgoraCustomerId}:{providers.AgoraCustomerSecret}")));
        Cloudflare = new HttpClient { BaseAddress = app.GetEndpoint(KnownResources.CloudflareEmulator), Timeout = TimeSpan.FromSeconds(60) };
        Cloudflare.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", providers.CloudflareApiToken);
        Anonymous = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
    }

    public TestTopology App { get; }

    public WebhookReceiver Webhooks { get; }

    public ProviderSettings Providers { get; }

    /// <summary>Authenticated with the customer id and secret.</summary>
    public HttpClient Agora { get; }

    /// <summary>Authenticated with the API token.</summary>
    public HttpClient Cloudflare { get; }

    public HttpClient Anonymous { get; }

    public Uri AgoraUrl => App.GetEndpoint(KnownResources.AgoraEmulator);

    public Uri CloudflareUrl => App.GetEndpoint(KnownResources.CloudflareEmulator);

    public string StreamPath => $"/client/v4/accounts/{Providers.CloudflareAccountId}/stream";

    public string AgoraStorage => Path.Combine(App.StateDirectory, KnownResources.AgoraEmulator, "storage");

    public string ConvertersPath => $"/na/v1/projects/{Providers.AgoraAppId}/rtmp-converters";

    /// <summary>A broadcaster joins an Agora channel with a publisher token the tests build themselves.</summary>
    public async Task JoinAsync(string channel, uint uid)
    {
        var token = TestTokenBuilder.Publisher(Providers.AgoraAppId, Providers.AgoraAppCertificate, channel, uid);
        var joined = await Agora.PostJsonAsync($"/__emulator/channels/{channel}/broadcasters", new { uid, token });
        joined.Status.Should().Be(201, joined.Body?.ToJsonString());
    }

    /// <summary>A raw Media Push converter of <paramref name="uid"/> in <paramref name="channel"/> to <paramref name="rtmpUrl"/>; its id.</summary>
    public async Task<string> CreateConverterAsync(string name, string channel, uint uid, string rtmpUrl)
    {
        var created = await Agora.PostJsonAsync(ConvertersPath, new
        {
            converter = new { name, rawOptions = new { rtcChannel = channel, rtcStreamUid = uid }, rtmpUrl, idleTimeout = 300 },
        });
        created.Status.Should().Be(200, created.Body?.ToJsonString());
        return created.Body!["converter"]!["id"]!.GetValue<string>();
    }

    public Task WaitForConverterAsync(string id, string state) =>
        Eventually.TrueAsync(
            async () => (await Agora.GetJsonAsync($"{ConvertersPath}/{id}")).Body?["converter"]?["state"]?.GetValue<string>() == state,
            TimeSpan.FromSeconds(45), $"converter {id} to be {state}");

    public static async Task<EmulatorTopology> StartAsync(IReadOnlyDictionary<string, string>? configuration = null)
    {
        var receiver = await WebhookReceiver.StartAsync();
        try
        {
            var app = await TestTopology.StartAsync(new TestTopologyOptions
            {
                Only = $"{KnownResources.AgoraEmulator},{KnownResources.CloudflareEmulator}",
                Configuration = configuration ?? new Dictionary<string, string>(),
                StartTimeout = TimeSpan.FromMinutes(2),
                Configure = builder =>
                {
                    foreach (var name in new[] { KnownResources.AgoraEmulator, KnownResources.CloudflareEmulator })
                    {
                        builder.Project(name).WithEnvironment("EMULATOR_WEBHOOK_RETRY_DELAY_MS", "300");
                    }

                    // Every NCS event, not only the ones the platform subscribes to: these tests are of the emulator.
                    builder.Project(KnownResources.AgoraEmulator).WithEnvironment("AGORA_NCS_WEBHOOK_URL", receiver.Url + "/api/webhooks/agora")
                        .WithEnvironment("AGORA_NCS_EVENTS", "*");
                    builder.Project(KnownResources.CloudflareEmulator).WithEnvironment("CLOUDFLARE_STREAM_NOTIFICATION_URL", receiver.Url + "/api/webhooks/cloudflare");
                },
            });
            // The credentials the AppHost generated into the topology's state folder.
            var providers = ProviderSettings.Load(app.StateDirectory, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
            return new EmulatorTopology(app, receiver, providers);
        }
        catch
        {
            await receiver.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Agora.Dispose();
        Cloudflare.Dispose();
        Anonymous.Dispose();
        await App.DisposeAsync();
        await Webhooks.DisposeAsync();
    }
}

/// <summary>The default topology (media on, prompt), once for the assembly.</summary>
public sealed class EmulatorsFixture : Xunit.IAsyncLifetime
{
    public EmulatorTopology Topology { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Topology = await EmulatorTopology.StartAsync();

    public async ValueTask DisposeAsync() => await Topology.DisposeAsync();
}

/// <summary>The second topology: no media, strict quotas and timing (architecture §8.5).</summary>
public sealed class NoMediaStrictFixture : Xunit.IAsyncLifetime
{
    public EmulatorTopology Topology { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Topology = await EmulatorTopology.StartAsync(
        new Dictionary<string, string> { ["EMULATOR_MEDIA"] = "off", ["EMULATOR_STRICT"] = "on" });

    public async ValueTask DisposeAsync() => await Topology.DisposeAsync();
}
