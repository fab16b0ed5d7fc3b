using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using FluentAssertions;
using HybridStreaming.AppHost;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;
using Xunit;

namespace HybridStreaming.AppHost.Tests;

/// <summary>
/// The Aspire dashboard as a developer uses it, in a real browser (Debian's Chromium through
/// Playwright): every resource Running, and a go-live through the gateway as one trace across the
/// gateway, the Channel API and both workers, down to their provider calls.
/// </summary>
[Collection(AppHostProcesses.Name)]
public sealed class DashboardTests : IDisposable
{
    private static readonly string[] TraceResources =
        [KnownResources.Gateway, KnownResources.ChannelsApi, KnownResources.RecordingWorker, KnownResources.RelayWorker];

    private readonly string _state = Path.Combine(Path.GetTempPath(), "hybridstreaming-tests", "dashboard-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task The_dashboard_shows_every_resource_running_and_a_go_live_as_one_trace_across_the_services()
    {
        var agoraPort = Loopback.FreePort();
        await using var apphost = AppHostProcess.Start(
            _state,
            [$"--AppHost:AgoraEmulatorPort={agoraPort}", "--EMULATOR_MEDIA=off"],
            new Dictionary<string, string> { ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true" });
        await apphost.WaitUntilAllHealthyAsync(TimeSpan.FromMinutes(4));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });
        // A tall page: the dashboard's grids render only the rows in view, and a go-live's trace has many spans.
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1600, Height = 12000 } });

        // The resources page: one row per resource, each Running.
        await page.GotoAsync(apphost.DashboardUrl.ToString());
        string[] resources =
        [
            KnownResources.Postgres, KnownResources.ChannelsDatabase, KnownResources.RecordingsDatabase, KnownResources.RelaysDatabase,
            KnownResources.CostsDatabase, KnownResources.Redis, KnownResources.RabbitMq, KnownResources.AgoraEmulator,
            KnownResources.CloudflareEmulator, KnownResources.ChannelsApi, KnownResources.RecordingWorker, KnownResources.RelayWorker,
            KnownResources.CostApi, KnownResources.Gateway,
        ];
        foreach (var resource in resources)
        {
            var row = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { Has = page.GetByText(resource, new PageGetByTextOptions { Exact = true }) });
            await Assertions.Expect(row.First).ToContainTextAsync("Running", new LocatorAssertionsToContainTextOptions { Timeout = 30_000 });
        }

        // A go-live through the gateway, in a trace whose id the test chose (W3C traceparent).
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        await GoLiveAsync(apphost, agoraPort, $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        // The trace's page: spans of the four services, and the workers' calls to both providers — which
        // calls, a span's details say (its URL). Telemetry reaches the dashboard in batches, and the
        // workers' steps run after the go-live's request: reload until everything is there.
        var traceUrl = new Uri(apphost.DashboardUrl, $"traces/detail/{traceId}").ToString();
        var text = "";
        List<string> agoraCalls = [], cloudflareCalls = [];
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            await page.GotoAsync(traceUrl);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            text = await page.Locator("body").InnerTextAsync();
            agoraCalls = await SpanUrlsAsync(page, KnownResources.AgoraEmulator);
            cloudflareCalls = await SpanUrlsAsync(page, KnownResources.CloudflareEmulator);
            if (TraceResources.All(text.Contains) && agoraCalls.Any(IsCloudRecordingStart) && cloudflareCalls.Any(IsLiveInputCreate))
            {
                break;
            }

            await Task.Delay(2000, TestContext.Current.CancellationToken);
        }

        text.Should().ContainAll(TraceResources, "the go-live is one trace across the gateway, the Channel API and both workers");
        agoraCalls.Should().Contain(url => IsCloudRecordingStart(url), "the recording worker's Cloud Recording start call is in the go-live's trace");
        cloudflareCalls.Should().Contain(url => IsLiveInputCreate(url), "the relay worker's live-input create call is in the go-live's trace");
    }

    private static bool IsCloudRecordingStart(string url) => Regex.IsMatch(url, "/cloud_recording/resourceid/[^/]+/mode/mix/start$");

    private static bool IsLiveInputCreate(string url) => url.EndsWith("/stream/live_inputs", StringComparison.Ordinal);

    /// <summary>Opens each span that calls <paramref name="peer"/> and reads the URL its details show.</summary>
    private static async Task<List<string>> SpanUrlsAsync(IPage page, string peer)
    {
        var urls = new List<string>();
        var rows = page.GetByRole(AriaRole.Row).Filter(new LocatorFilterOptions { HasText = peer });
        for (var i = 0; i < await rows.CountAsync(); i++)
        {
            await rows.Nth(i).ClickAsync();
            var details = await page.Locator("body").InnerTextAsync();
            urls.AddRange(Regex.Matches(details, @"https?://\S+").Select(m => m.Value));
        }

        return urls;
    }

    private static async Task GoLiveAsync(AppHostProcess apphost, int agoraPort, string traceParent)
    {
        using var http = new HttpClient { BaseAddress = apphost.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
        var gateway = new GatewayClient(http);
        var token = await gateway.TokenAsync("dashboard-" + Guid.NewGuid().ToString("N")[..8], "seller");
        var channel = await gateway.CreateChannelAsync(token, "dashboard trace");
        var rtc = await gateway.RtcTokenAsync(token, channel.Id);
        using var agora = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{agoraPort}/") };
        await new EmulatorClient(agora).JoinBroadcasterAsync(rtc.ChannelName, rtc.Uid, rtc.Token);

        // This request alone carries the test's trace context; the handler must not replace it with its own.
        using var traced = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator() })
        {
            BaseAddress = apphost.GatewayUrl,
        };
        traced.DefaultRequestHeaders.Add("traceparent", traceParent);
        await GatewayClient.EnsureAsync(await new GatewayClient(traced).SendAsync(HttpMethod.Post, $"/api/channels/{channel.Id}/live", token), HttpStatusCode.Accepted);
        var live = await gateway.WaitForStatusAsync(token, channel.Id, s => s.State is "live" or "failed", TimeSpan.FromSeconds(90), "the session to go live");
        live.Mode.Should().Be("hybrid", "both providers' paths are used: {0}", live.Reason);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
