using System.Collections.Concurrent;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// The pages in a real browser (Debian's Chromium through Playwright) against the gateway on Kestrel:
/// under the edge's Content-Security-Policy they load their scripts (precompressed, as the browser
/// accepts) and read their configuration from the JSON block, and Chromium reports no violation —
/// the block is data, not a script, so it needs no nonce. An inline script added afterwards is refused and
/// reported, which shows the check would see one.
/// </summary>
public sealed class WebPagesBrowserTests
{
    [Fact]
    public async Task Every_page_runs_under_the_policy_without_a_violation()
    {
        await using var gateway = GatewayHost.Create(new Dictionary<string, string?>
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = "http://127.0.0.1:9",
            [$"services:{KnownResources.CostApi}:http:0"] = "http://127.0.0.1:9",
            [SecurityHeaders.PlaybackBaseUrlKey] = "http://127.0.0.1:8092",
        });
        gateway.UseKestrel(0);
        gateway.StartServer();
        var origin = gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox"],
        });

        foreach (var (path, entry) in new[] { ("/", "index"), ("/watch/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "watch"), ("/studio", "studio") })
        {
            var page = await browser.NewPageAsync();
            var refusals = new ConcurrentQueue<string>();
            var responses = new ConcurrentQueue<(string Url, int Status, string? Encoding)>();
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    refusals.Enqueue(message.Text);
                }
            };
            page.Response += (_, response) =>
                responses.Enqueue((response.Url, response.Status, response.Headers.TryGetValue("content-encoding", out var encoding) ? encoding : null));
            await page.AddInitScriptAsync(
                "window.__violations = [];"
                + "document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));");

            await page.GotoAsync(origin + path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });

            var because = $"{path} is loaded under the policy";
            (await page.EvaluateAsync<string[]>("window.__violations")).Should().BeEmpty(because);
            refusals.Should().BeEmpty(because);
            using (var config = JsonDocument.Parse(await page.EvaluateAsync<string>("document.getElementById('hs-config').textContent")))
            {
                config.RootElement.GetProperty("playbackOrigin").GetString().Should().Be("http://127.0.0.1:8092");
            }

            // No service runs behind this gateway, so the pages' API calls fail; their assets must not.
            var assets = responses.Where(response => response.Url.StartsWith($"{origin}/assets/", StringComparison.Ordinal)).ToList();
            assets.Should().OnlyContain(response => response.Status == 200, because);
            assets.Select(response => response.Url).Should().Contain($"{origin}/assets/{entry}.js", because);
            assets.Where(response => response.Url.EndsWith(".js", StringComparison.Ordinal))
                .Should().OnlyContain(response => response.Encoding == "br", $"{because}: scripts go out brotli-compressed");

            // The check sees a violation when there is one: an inline script is refused.
            await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.__ran = true'; document.head.append(s); }");
            await page.WaitForFunctionAsync("window.__violations.length > 0");
            (await page.EvaluateAsync<bool>("window.__ran === true")).Should().BeFalse();
            await page.CloseAsync();
        }
    }
}
