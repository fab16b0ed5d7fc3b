using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using HybridStreaming.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace HybridStreaming.EndToEnd.Tests.Browser;

/// <summary>
/// The pages the gateway serves, in real headless Chromium against the whole topology with media: the
/// seller's studio, the channel list and the buyer's watch page (hls.js on the Cloudflare emulator's live
/// HLS; the Agora Web SDK for agora-only sessions, with Agora's network stubbed, since nothing here can
/// reach Agora).
/// </summary>
public sealed partial class WebPageTests(SystemFixture system, ChromiumFixture chromium)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Generous = new() { Timeout = 90_000 };

    private Uri Gateway => system.Gateway.Http.BaseAddress!;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task A_seller_goes_live_in_the_studio_and_an_anonymous_buyer_watches_until_it_ends(bool phone) =>
        chromium.RunAsync(Gateway, phone ? "phone" : "desktop", async session =>
        {
            var suffix = phone ? "-phone" : "";
            var studio = await session.NewPageAsync("seller", phone);
            await SignInAsync(studio, "seller-" + Guid.NewGuid().ToString("N")[..8]);
            await studio.Locator("#new-title").FillAsync("Spring sale");
            await studio.Locator("#new-description").FillAsync("Jackets and boots, live.");
            await studio.Locator("#new-channel button[type=submit]").ClickAsync();
            await Expect(studio.Locator("#channel-heading")).ToHaveTextAsync("Spring sale");
            var channelId = ChannelIdOf(studio.Url);

            await studio.Locator("#go-live").ClickAsync();
            await Expect(studio.Locator("#session-state")).ToHaveAttributeAsync("data-state", "live", Generous);
            await Expect(studio.Locator("#session-state")).ToHaveAttributeAsync("data-mode", "hybrid");

            var buyer = await session.NewPageAsync("buyer", phone);
            var scripts = Scripts(buyer);
            await buyer.GotoAsync($"/watch/{channelId}");
            var started = await PlayingAtAsync(buyer);
            await buyer.WaitForFunctionAsync("t => document.getElementById('video').currentTime >= t", started + 3, new() { Timeout = 30_000 });
            await Expect(studio.Locator("#viewers-current")).ToHaveTextAsync("1", new() { Timeout = 30_000 });
            await Expect(buyer.Locator("#title")).ToHaveTextAsync("Spring sale");
            scripts.Should().Contain(url => HlsChunk().IsMatch(url), "Chromium gets hls.js, imported when the stream plays");
            scripts.Should().NotContain(url => AgoraChunk().IsMatch(url), "a hybrid session's buyers never load the Agora SDK");
            await ChromiumFixture.ScreenshotAsync(studio, "studio" + suffix);
            await ChromiumFixture.ScreenshotAsync(buyer, "watch" + suffix);

            var list = await session.NewPageAsync("list", phone);
            await list.GotoAsync("/");
            var card = list.Locator($"li[data-channel-id='{channelId}']");
            await Expect(card.Locator(".badge.live")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(card.Locator(".viewers")).ToHaveTextAsync(new Regex(@"^\d+ viewers?$"));
            await ChromiumFixture.ScreenshotAsync(list, "channel-list" + suffix);

            await studio.Locator("#stop").ClickAsync();
            await Expect(buyer.Locator("#message")).ToHaveTextAsync("Stream ended.", new() { Timeout = 60_000 });
            await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "ended");
            await Expect(studio.Locator("#session-state")).ToHaveAttributeAsync("data-state", "ended", Generous);
            await Expect(studio.Locator("#viewers-peak")).ToHaveTextAsync("1");
        });

    [Fact]
    public Task Playback_resumes_by_itself_after_the_playback_origin_fails_for_5_s() =>
        chromium.RunAsync(Gateway, "outage", async session =>
        {
            var scenario = await Scenario.SellerWithChannelAsync(system);
            var live = await scenario.GoLiveAndWaitAsync();
            live.Mode.Should().Be("hybrid", live.Reason);
            var buyer = await session.NewPageAsync("buyer");
            await buyer.GotoAsync($"/watch/{scenario.Channel.Id}");
            await buyer.WaitForFunctionAsync("t => document.getElementById('video').currentTime >= t", await PlayingAtAsync(buyer) + 1, new() { Timeout = 30_000 });

            // Every request to the playback origin (playlists and segments) fails for 5 s.
            var origin = new Uri(live.HlsPlaybackUrl!).GetLeftPart(UriPartial.Authority);
            var failed = 0;
            await buyer.RouteAsync($"{origin}/**", route =>
            {
                Interlocked.Increment(ref failed);
                return route.AbortAsync("internetdisconnected");
            });
            await Task.Delay(TimeSpan.FromSeconds(5));
            var during = await CurrentTimeAsync(buyer);
            await buyer.UnrouteAllAsync();

            failed.Should().BeGreaterThan(0, "the player kept asking the playback origin during the outage");
            await buyer.WaitForFunctionAsync("t => document.getElementById('video').currentTime >= t", during + 3, new() { Timeout = 45_000 });
            await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "playing");

            // The gateway failing the heartbeats does not stop (or cover) a video that plays.
            var refusedBeats = 0;
            await buyer.RouteAsync("**/viewers/heartbeat", route =>
            {
                Interlocked.Increment(ref refusedBeats);
                return route.FulfillAsync(new() { Status = 503, Headers = new Dictionary<string, string> { ["retry-after"] = "1" } });
            });
            await Eventually.TrueAsync(() => Volatile.Read(ref refusedBeats) >= 2, TimeSpan.FromSeconds(20), "two refused heartbeats");
            await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "playing");
            await buyer.UnrouteAllAsync();
            await scenario.StopAndWaitAsync();
            await Expect(buyer.Locator("#message")).ToHaveTextAsync("Stream ended.", new() { Timeout = 60_000 });
            await scenario.LeaveAgoraAsync();
        });

    [Fact]
    public Task In_an_agora_only_session_the_page_loads_the_Agora_SDK_and_joins_with_the_subscriber_token() =>
        chromium.RunAsync(Gateway, "agora-only", async session =>
        {
            var scenario = await Scenario.SellerWithChannelAsync(system);
            // A refusal (not an outage): the relay fails at once, without retries, and the session goes live agora-only.
            var live = await scenario.GoLiveWithCloudflareFailingAsync(400);
            live.Mode.Should().Be("agora-only");
            var buyer = await session.NewPageAsync("buyer");
            var scripts = Scripts(buyer);
            // Agora's gateways and edges, stubbed: record what the SDK sends, answer nothing useful.
            var agora = new ConcurrentQueue<(string Url, string Body)>();
            await buyer.RouteAsync(AgoraHosts(), route =>
            {
                agora.Enqueue((route.Request.Url, route.Request.PostData ?? ""));
                return route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = "{}" });
            });
            var rtcToken = buyer.WaitForResponseAsync(response => response.Url.EndsWith("/rtc-token", StringComparison.Ordinal) && response.Request.Method == "POST");

            await buyer.GotoAsync($"/watch/{scenario.Channel.Id}");
            var issued = JsonDocument.Parse(await (await rtcToken).TextAsync()).RootElement;

            issued.GetProperty("role").GetString().Should().Be("subscriber");
            var token = issued.GetProperty("token").GetString()!;
            await Eventually.TrueAsync(() => agora.Any(request => request.Body.Contains(token, StringComparison.Ordinal)), TimeSpan.FromSeconds(30),
                "the Agora SDK to join with the subscriber token");
            agora.Should().Contain(request => request.Body.Contains(scenario.Channel.AgoraChannelName, StringComparison.Ordinal), "it joins the session's channel");
            scripts.Should().Contain(url => AgoraChunk().IsMatch(url), "agora-only: the page loads the Agora SDK");
            scripts.Should().NotContain(url => HlsChunk().IsMatch(url), "no HLS without a CDN path");
            await scenario.StopAndWaitAsync();
            await scenario.LeaveAgoraAsync();
        });

    [Fact]
    public Task A_buyer_follows_the_session_to_Agora_when_its_live_input_drops_and_back_to_HLS_when_it_returns() =>
        chromium.RunAsync(Gateway, "self-healing", async session =>
        {
            var scenario = await Scenario.SellerWithChannelAsync(system);
            var live = await scenario.GoLiveAndWaitAsync();
            live.Mode.Should().Be("hybrid", live.Reason);
            var buyer = await session.NewPageAsync("buyer");
            var scripts = Scripts(buyer);
            var agora = new ConcurrentQueue<string>();
            await buyer.RouteAsync(AgoraHosts(), route =>
            {
                agora.Enqueue(route.Request.Url);
                return route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = "{}" });
            });
            await buyer.GotoAsync($"/watch/{scenario.Channel.Id}");
            await PlayingAtAsync(buyer);
            var inventory = await ProviderInventory.OpenAsync(system);
            var input = await inventory.LiveInputUidAsync(live.SessionId!.Value);

            // Cloudflare reports the live input disconnected: buyers are moved to Agora (its network is stubbed).
            await NotifyLiveInputAsync(input, "live_input.disconnected");
            await system.Gateway.WaitForStatusAsync(scenario.SellerToken, scenario.Channel.Id, s => s.Mode == "agora-only", TimeSpan.FromSeconds(20), "the fallback");
            await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "switching", new() { Timeout = 30_000 });
            await Expect(buyer.Locator("#message")).ToHaveTextAsync("Switching to the best stream…");
            await Eventually.TrueAsync(() => !agora.IsEmpty, TimeSpan.FromSeconds(30), "the Agora SDK to join");
            await ChromiumFixture.ScreenshotAsync(buyer, "watch-switching");

            // It connects again: the relay is up, and the buyer is back on HLS without a reload.
            await NotifyLiveInputAsync(input, "live_input.connected");
            var back = await system.Gateway.WaitForStatusAsync(scenario.SellerToken, scenario.Channel.Id, s => s.Mode == "hybrid", TimeSpan.FromSeconds(20), "the return to hybrid");
            back.ModeHistory!.Select(c => c.Mode).Should().Equal("hybrid", "agora-only", "hybrid");
            var resumed = await PlayingAtAsync(buyer);
            await buyer.WaitForFunctionAsync("t => document.getElementById('video').currentTime >= t", resumed + 2, new() { Timeout = 30_000 });
            await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "playing");
            scripts.Should().Contain(url => AgoraChunk().IsMatch(url)).And.Contain(url => HlsChunk().IsMatch(url));

            await scenario.StopAndWaitAsync();
            await Expect(buyer.Locator("#message")).ToHaveTextAsync("Stream ended.", new() { Timeout = 60_000 });
            await scenario.LeaveAgoraAsync();
        });

    /// <summary>A Cloudflare Notifications delivery for a live input, signed as Cloudflare signs it (<c>cf-webhook-auth</c>).</summary>
    private async Task NotifyLiveInputAsync(string inputId, string eventType)
    {
        var secret = await system.EnvironmentOfAsync(HybridStreaming.ServiceDefaults.KnownResources.ChannelsApi, "CLOUDFLARE_NOTIFICATIONS_SECRET");
        var body = JsonSerializer.Serialize(new
        {
            name = "Live input notification",
            text = eventType,
            data = new { notification_name = "Stream Live Input", input_id = inputId, event_type = eventType, updated_at = DateTimeOffset.UtcNow.ToString("O") },
            ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/cloudflare") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("cf-webhook-auth", secret);
        using var response = await system.Gateway.Http.SendAsync(request);
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public Task A_title_or_description_with_markup_renders_as_inert_text_on_every_page_and_the_studio_works_by_keyboard() =>
        chromium.RunAsync(Gateway, "markup", async session =>
        {
            const string title = "<img src=x onerror=\"window.__xss='img'\"><script>window.__xss='script'</script>";
            const string description = "<b>bold</b><svg onload=\"alert('svg')\"></svg><a href=\"javascript:alert(1)\">link</a>";
            var seller = "seller-" + Guid.NewGuid().ToString("N")[..8];
            var token = await system.Gateway.TokenAsync(seller, "seller");
            var channel = await system.Gateway.CreateChannelAsync(token, title, description);
            var dialogs = new ConcurrentQueue<string>();

            var studio = await session.NewPageAsync("seller");
            var buyer = await session.NewPageAsync("buyer");
            foreach (var page in new[] { studio, buyer })
            {
                page.Dialog += (_, dialog) =>
                {
                    dialogs.Enqueue(dialog.Message);
                    _ = dialog.DismissAsync();
                };
            }

            // Signed in with the keyboard alone: the form takes focus, Tab moves on, Enter submits.
            await studio.GotoAsync("/studio");
            await Expect(studio.Locator("#dev-user")).ToBeFocusedAsync();
            await studio.Keyboard.TypeAsync(seller);
            await studio.Keyboard.PressAsync("Tab");
            await Expect(studio.Locator("#dev-role")).ToBeFocusedAsync();
            await studio.Keyboard.PressAsync("Tab");
            await Expect(studio.Locator("#dev-sign-in button[type=submit]")).ToBeFocusedAsync();
            await studio.Keyboard.PressAsync("Enter");
            await Expect(studio.Locator("#studio")).ToHaveAttributeAsync("data-state", "signed-in");
            await Expect(studio.Locator("#channel-heading")).ToHaveTextAsync(title);
            await Expect(studio.Locator("#edit-title")).ToHaveValueAsync(title);
            await Expect(studio.Locator("#edit-description")).ToHaveValueAsync(description);
            await AssertInertAsync(studio);

            await buyer.GotoAsync($"/watch/{channel.Id}");
            await Expect(buyer.Locator("#title")).ToHaveTextAsync(title);
            await Expect(buyer.Locator("#description")).ToHaveTextAsync(description);
            await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "not-live");
            await Expect(buyer.Locator("#message")).ToHaveTextAsync(new Regex("^Not live yet"));
            await AssertInertAsync(buyer);

            await buyer.GotoAsync("/?limit=100");
            var card = buyer.Locator($"li[data-channel-id='{channel.Id}']");
            await Expect(card.Locator(".title")).ToHaveTextAsync(title);
            await Expect(card.Locator(".description")).ToHaveTextAsync(description);
            await AssertInertAsync(buyer);

            dialogs.Should().BeEmpty("no markup from a seller runs script");
        });

    private static async Task AssertInertAsync(IPage page)
    {
        await page.WaitForTimeoutAsync(300); // an onerror/onload would have fired by now
        (await page.EvaluateAsync<string?>("() => window.__xss ?? null")).Should().BeNull("no injected script ran");
        (await page.Locator("main img, main script, main svg, main b, main a[href^='javascript:']").CountAsync()).Should().Be(0, "no injected element exists");
    }

    private static async Task SignInAsync(IPage studio, string seller)
    {
        await studio.GotoAsync("/studio");
        await studio.Locator("#dev-user").FillAsync(seller);
        await studio.Locator("#dev-role").SelectOptionAsync("seller");
        await studio.Locator("#dev-sign-in button[type=submit]").ClickAsync();
        await Expect(studio.Locator("#studio")).ToHaveAttributeAsync("data-state", "signed-in");
    }

    /// <summary>Waits until the watch page plays and returns the video's position then.</summary>
    private static async Task<double> PlayingAtAsync(IPage buyer)
    {
        await Expect(buyer.Locator("#watch")).ToHaveAttributeAsync("data-state", "playing", new() { Timeout = 45_000 });
        return await CurrentTimeAsync(buyer);
    }

    private static Task<double> CurrentTimeAsync(IPage page) => page.EvaluateAsync<double>("() => document.getElementById('video').currentTime");

    /// <summary>The URLs of the scripts the page loads, as they are requested.</summary>
    private static ConcurrentBag<string> Scripts(IPage page)
    {
        var scripts = new ConcurrentBag<string>();
        page.Request += (_, request) =>
        {
            if (request.ResourceType == "script")
            {
                scripts.Add(request.Url);
            }
        };
        return scripts;
    }

    private static string ChannelIdOf(string studioUrl) =>
        Regex.Match(studioUrl, "#channel=([0-9a-f-]{36})") is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException($"No channel in {studioUrl}");

    [GeneratedRegex(@"/assets/chunks/hls[^/]*\.js$")]
    private static partial Regex HlsChunk();

    [GeneratedRegex(@"/assets/chunks/AgoraRTC[^/]*\.js$")]
    private static partial Regex AgoraChunk();

    [GeneratedRegex(@"^(https?|wss?)://([^/]+\.)?(agora\.io|sd-rtn\.com|rtnsvc\.com|rtesvc\.com)(:\d+)?/")]
    private static partial Regex AgoraHosts();
}
