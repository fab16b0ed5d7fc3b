using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// The pages in a real browser (Debian's Chromium through Playwright) against the gateway on Kestrel:
/// under the edge's Content-Security-Policy they load their scripts (precompressed, as the browser
/// accepts) and read their configuration from the JSON block, and Chromium reports no violation —
/// the block is data, not a script, so it needs no nonce. An inline script added afterwards is refused and
/// reported, which shows the check would see one. The cost views (the /costs page, the studio's meter)
/// run against stand-in Channel and Cost APIs behind the real gateway, which answer fixed figures: what the
/// pages show must be exactly those figures, rounded to cents.
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

        foreach (var (path, entry) in new[] { ("/", "index"), ("/watch/3f2504e0-4f89-11d3-9a0c-0305e82c3301", "watch"), ("/studio", "studio"), ("/costs", "costs") })
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

    // The stand-in Cost API's figures: unrounded, as the Cost API answers them, none of them at a half cent.
    private const string Summary = """
        {"from":"2026-11-30","to":"2026-12-02","sessions":3,"sessionsByMode":{"hybrid":2,"agoraOnly":1},
         "total":12.345678,"agoraOnlyEquivalent":47.891234,"savingsPercent":74.2219,"viewerMinutes":9876.5,
         "costPer1000ViewerHours":74.9991,"provisionalSessions":1}
        """;

    private static readonly (string Date, int Sessions, decimal Total, decimal AgoraOnly, decimal? Savings)[] Days =
    [
        ("2026-11-30", 0, 0m, 0m, null),
        ("2026-12-01", 2, 10.004321m, 40.5m, 75.2979m),
        ("2026-12-02", 1, 2.341357m, 7.391234m, 68.3225m),
    ];

    [Fact]
    public async Task The_costs_page_shows_the_Cost_APIs_summary_and_days_in_tiles_chart_and_table()
    {
        var requests = new ConcurrentQueue<(string PathAndQuery, bool Authorized)>();
        await using var costApi = await StandInService.StartAsync(context =>
        {
            requests.Enqueue((context.Request.Path + context.Request.QueryString, context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)));
            if (context.Request.Query["from"] == "2026-12-09")
            {
                return Json(context, StatusCodes.Status400BadRequest,
                    """{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.1","title":"One or more validation errors occurred.","status":400,"errors":{"from":["from must not be after to."]}}""",
                    "application/problem+json");
            }

            return context.Request.Path.Value switch
            {
                "/api/costs/summary" => Json(context, StatusCodes.Status200OK, Summary),
                "/api/costs/daily" => Json(context, StatusCodes.Status200OK, Daily()),
                _ => Json(context, StatusCodes.Status404NotFound, """{"status":404}""", "application/problem+json"),
            };
        });
        await using var gateway = StartGateway(channelsApi: "http://127.0.0.1:9", costApi.Address, out var origin);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        var problems = Watch(page);

        // No account yet: the page asks for one, with the studio's sign-in.
        await page.GotoAsync($"{origin}/costs?from=2026-11-30&to=2026-12-02");
        await Expect(page.Locator("#costs")).ToHaveAttributeAsync("data-state", "signed-out");
        await Expect(page.Locator("#sign-in h2")).ToHaveTextAsync("Sign in as a seller or admin");
        requests.Should().BeEmpty("nothing is asked without an account");
        await page.Locator("#dev-user").FillAsync("ana");
        await page.Locator("#dev-role").SelectOptionAsync("seller");
        await page.Locator("#dev-sign-in button[type=submit]").ClickAsync();

        await Expect(page.Locator("#costs")).ToHaveAttributeAsync("data-state", "ready");
        requests.Select(request => request.PathAndQuery).Should().BeEquivalentTo(
            ["/api/costs/summary?from=2026-11-30&to=2026-12-02", "/api/costs/daily?from=2026-11-30&to=2026-12-02"]);
        requests.Should().OnlyContain(request => request.Authorized, "the gateway passes the account's token on");
        await Expect(page.Locator("#costs-from")).ToHaveValueAsync("2026-11-30");
        await Expect(page.Locator("#costs-to")).ToHaveValueAsync("2026-12-02");

        await ExpectFigureAsync(page.Locator("#summary-total"), "$12.35", "data-amount", 12.345678m);
        await ExpectFigureAsync(page.Locator("#summary-agora-only"), "$47.89", "data-amount", 47.891234m);
        await ExpectFigureAsync(page.Locator("#summary-savings"), "74.2%", "data-value", 74.2219m);
        await ExpectFigureAsync(page.Locator("#summary-per-1000-viewer-hours"), "$75.00", "data-amount", 74.9991m);
        await ExpectFigureAsync(page.Locator("#summary-sessions-hybrid"), "2", "data-value", 2);
        await ExpectFigureAsync(page.Locator("#summary-sessions-agora-only"), "1", "data-value", 1);
        await Expect(page.Locator("#summary-note")).ToContainTextAsync("1 provisional");

        var chart = page.Locator("svg#costs-chart");
        await Expect(chart).ToHaveAttributeAsync("role", "img");
        await Expect(chart).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex(@"actual \$12\.35 in all, against \$47\.89 on Agora alone"));
        (await chart.Locator("rect[data-series]").CountAsync()).Should().Be(2 * Days.Length);
        (await chart.Locator("text").AllTextContentsAsync()).Should().Contain(["Actual cost", "Agora-only equivalent", "Day (UTC)", "USD", "Dec 1"]);
        var table = page.Locator("#costs-table tbody tr[data-date]");
        (await table.CountAsync()).Should().Be(Days.Length);
        foreach (var day in Days)
        {
            var actual = chart.Locator($"rect[data-date='{day.Date}'][data-series='actual']");
            var agoraOnly = chart.Locator($"rect[data-date='{day.Date}'][data-series='agora-only']");
            Decimal(await actual.GetAttributeAsync("data-amount")).Should().Be(day.Total, day.Date);
            Decimal(await agoraOnly.GetAttributeAsync("data-amount")).Should().Be(day.AgoraOnly, day.Date);
            (await actual.Locator("title").TextContentAsync()).Should().EndWith(Usd(day.Total));
            (await agoraOnly.Locator("title").TextContentAsync()).Should().EndWith(Usd(day.AgoraOnly));

            var row = page.Locator($"#costs-table tr[data-date='{day.Date}']");
            await ExpectFigureAsync(row.Locator("td[data-field=sessions]"), day.Sessions.ToString(CultureInfo.InvariantCulture), "data-value", day.Sessions);
            await ExpectFigureAsync(row.Locator("td[data-field=total]"), Usd(day.Total), "data-amount", day.Total);
            await ExpectFigureAsync(row.Locator("td[data-field=agoraOnlyEquivalent]"), Usd(day.AgoraOnly), "data-amount", day.AgoraOnly);
            await ExpectFigureAsync(row.Locator("td[data-field=savingsPercent]"), day.Savings is { } savings ? $"{savings:0.0}%" : "—", "data-value", day.Savings);
        }

        // The tallest bar is the busiest day's Agora-only figure; a zero day has no height.
        (await Height(chart.Locator("rect[data-date='2026-12-01'][data-series='agora-only']"))).Should().BeGreaterThan(await Height(chart.Locator("rect[data-date='2026-12-02'][data-series='agora-only']")));
        (await Height(chart.Locator("rect[data-date='2026-11-30'][data-series='actual']"))).Should().Be(0);
        problems.Should().BeEmpty("the page runs under the policy without an error");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("costs"), FullPage = true });

        // A range the Cost API refuses: its field message, and no stale figures.
        await page.Locator("#costs-from").FillAsync("2026-12-09");
        await page.Locator("#costs-apply").ClickAsync();
        await Expect(page.Locator("#costs")).ToHaveAttributeAsync("data-state", "error");
        await Expect(page.Locator("#costs-message")).ToHaveTextAsync("from must not be after to.");
        await Expect(page.Locator("#costs-results")).ToBeHiddenAsync();
        await page.SetViewportSizeAsync(412, 915);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("costs-phone-error"), FullPage = true });
        await page.Locator("#costs-from").FillAsync("2026-11-30");
        await page.Locator("#costs-apply").ClickAsync();
        await Expect(page.Locator("#costs")).ToHaveAttributeAsync("data-state", "ready");
        page.Url.Should().EndWith("/costs?from=2026-11-30&to=2026-12-02");
        (await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth")).Should().BeLessThanOrEqualTo(0, "at a phone's width only the chart and the table scroll sideways");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("costs-phone"), FullPage = true });
    }

    [Fact]
    public async Task The_studio_estimates_a_live_sessions_cost_and_shows_the_ledgers_figures_once_it_has_ended()
    {
        const string channelId = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        const string sessionId = "9a1c2b3d-0000-4000-8000-000000000001";
        var liveAt = DateTimeOffset.UtcNow.AddMinutes(-10);
        var ended = false;
        var ledger = 0; // answers of GET /api/costs/sessions/{id}: two 404s, then collecting, then provisional, then (once told) complete
        var complete = false;
        var estimates = new ConcurrentQueue<string>();
        var channel = $$"""
            {"id":"{{channelId}}","title":"Spring sale","description":"","sellerId":"ana","agoraChannelName":"ch-1",
             "createdAt":"2026-12-01T10:00:00Z","updatedAt":"2026-12-01T10:00:00Z","live":null}
            """;
        await using var channelsApi = await StandInService.StartAsync(context =>
        {
            var path = context.Request.Path.Value;
            if (path == "/api/channels")
            {
                return Json(context, StatusCodes.Status200OK, $"[{channel}]");
            }

            if (path == $"/api/channels/{channelId}/status")
            {
                var state = Volatile.Read(ref ended) ? "ended" : "live";
                var endedAt = Volatile.Read(ref ended) ? $"\"{DateTimeOffset.UtcNow:O}\"" : "null";
                return Json(context, StatusCodes.Status200OK, $$"""
                    {"channelId":"{{channelId}}","isActive":{{(state == "live" ? "true" : "false")}},"sessionId":"{{sessionId}}","state":"{{state}}",
                     "mode":"hybrid","hlsPlaybackUrl":null,"recording":{"state":"recording","detail":null,"minutes":null},
                     "relay":{"state":"relaying","detail":null,"minutes":null},"startedAt":"{{liveAt.AddSeconds(-5):O}}","liveAt":"{{liveAt:O}}",
                     "endedAt":{{endedAt}},"reason":null,"viewers":{"current":42,"peak":50} }
                    """);
            }

            return Json(context, StatusCodes.Status404NotFound, """{"status":404}""", "application/problem+json");
        });
        await using var costApi = await StandInService.StartAsync(context =>
        {
            var path = context.Request.Path.Value;
            if (path == "/api/costs/estimate")
            {
                estimates.Enqueue(context.Request.QueryString.Value ?? "");
                return Json(context, StatusCodes.Status200OK, """
                    {"hybrid":{"total":12.3456,"items":[]},"agoraOnly":{"total":48.1234,"items":[]},"savingsPercent":74.3456,"breakEvenViewers":4,"priceTableVersion":"pt-0123456789ab"}
                    """);
            }

            if (path == $"/api/costs/sessions/{sessionId}")
            {
                var answer = Interlocked.Increment(ref ledger);
                if (answer <= 2)
                {
                    return Json(context, StatusCodes.Status404NotFound, """{"title":"Not Found","status":404}""", "application/problem+json");
                }

                var status = answer == 3 ? "collecting" : Volatile.Read(ref complete) ? "complete" : "provisional";
                var figures = status == "collecting"
                    ? """ "actual":null,"counterfactual":null,"hybridTotal":null,"agoraOnlyTotal":null,"savingsPercent":null,"breakEvenViewers":null,"priceTableVersion":null,"recordedAt":null"""
                    : """ "actual":{"total":3.456789,"items":[]},"counterfactual":{"total":13.579111,"items":[]},"hybridTotal":3.456789,"agoraOnlyTotal":13.579111,"savingsPercent":74.5432,"breakEvenViewers":4,"priceTableVersion":"pt-0123456789ab","recordedAt":"2026-12-02T10:11:00Z" """;
                return Json(context, StatusCodes.Status200OK, $$"""
                    {"sessionId":"{{sessionId}}","channelId":"{{channelId}}","sellerId":"ana","status":"{{status}}","mode":"hybrid","requestedMode":"hybrid",
                     "tier":"hd","audience":"interactive","revision":1,"unconfirmed":{{(status == "provisional" ? "[\"relay-stopped\"]" : "[]")}},
                     "usage":{"sellerMinutes":10.5,"recordingMinutes":10.5,"relayMinutes":10.5,"hlsViewerMinutes":300,"agoraViewerMinutes":0,"viewerMinutes":300,"peakViewers":50},
                     {{figures}}
                    }
                    """);
            }

            return Json(context, StatusCodes.Status404NotFound, """{"status":404}""", "application/problem+json");
        });
        await using var gateway = StartGateway(channelsApi.Address, costApi.Address, out var origin);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await browser.NewPageAsync();
        // The Cost API's 404s (it has not heard of the session yet) are expected; the browser logs each one.
        var problems = Watch(page, allow: text => text.Contains("status of 404", StringComparison.Ordinal));

        await page.GotoAsync($"{origin}/studio");
        await page.Locator("#dev-user").FillAsync("ana");
        await page.Locator("#dev-sign-in button[type=submit]").ClickAsync();
        await Expect(page.Locator("#session-state")).ToHaveAttributeAsync("data-state", "live");

        // Live: an estimate for the viewers the studio shows and the minutes since liveAt, in the session's mode.
        await ExpectFigureAsync(page.Locator("#cost-estimate"), "$12.35", "data-amount", 12.3456m);
        await ExpectFigureAsync(page.Locator("#cost-estimate-other"), "$48.12", "data-amount", 48.1234m);
        await Expect(page.Locator("#cost-estimate-savings")).ToHaveTextAsync("hybrid saves 74.3%");
        await Expect(page.Locator("#cost-estimate-basis")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^Estimate at HD list prices, 42 viewers for 10(\.\d)? min\.$"));
        await Expect(page.Locator("#cost-meter")).ToBeVisibleAsync();
        estimates.TryPeek(out var query).Should().BeTrue();
        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
        parameters["viewers"].ToString().Should().Be("42");
        parameters["tier"].ToString().Should().Be("hd");
        decimal.Parse(parameters["minutes"]!, CultureInfo.InvariantCulture).Should().BeInRange(9.9m, 11m, "liveAt was ten minutes ago");

        // Ended: the studio waits for the ledger through 404 and "collecting", then shows its figures.
        Volatile.Write(ref ended, true);
        await Expect(page.Locator("#session-state")).ToHaveAttributeAsync("data-state", "ended");
        await Expect(page.Locator("#session-cost")).ToHaveAttributeAsync("data-status", "provisional", new() { Timeout = 20_000 });
        Volatile.Read(ref ledger).Should().BeGreaterThanOrEqualTo(4, "404, 404 and collecting were waited out");
        await ExpectFigureAsync(page.Locator("#session-cost-total"), "$3.46", "data-amount", 3.456789m);
        await ExpectFigureAsync(page.Locator("#session-cost-hybrid"), "$3.46", "data-amount", 3.456789m);
        await ExpectFigureAsync(page.Locator("#session-cost-agora-only"), "$13.58", "data-amount", 13.579111m);
        await ExpectFigureAsync(page.Locator("#session-cost-savings"), "74.5%", "data-percent", 74.5432m);
        await Expect(page.Locator("#session-cost-note")).ToContainTextAsync("relay-stopped");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath("studio-session-cost"), FullPage = true });

        // A provisional ledger is revised when the late facts arrive.
        Volatile.Write(ref complete, true);
        await Expect(page.Locator("#session-cost")).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 20_000 });
        await Expect(page.Locator("#session-cost-note")).ToHaveCountAsync(0);
        await Expect(page.Locator("#cost-estimate")).ToHaveCountAsync(0);
        problems.Should().BeEmpty("the studio runs under the policy without an error");
    }

    private static WebApplicationFactory<Program> StartGateway(string channelsApi, string costApi, out string origin)
    {
        var gateway = GatewayHost.Create(new Dictionary<string, string?>
        {
            [$"services:{KnownResources.ChannelsApi}:http:0"] = channelsApi,
            [$"services:{KnownResources.CostApi}:http:0"] = costApi,
            [SecurityHeaders.PlaybackBaseUrlKey] = "http://127.0.0.1:8092",
        });
        gateway.UseKestrel(0);
        gateway.StartServer();
        origin = gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return gateway;
    }

    private static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox"],
    });

    /// <summary>
    /// What goes wrong on the page: policy violations, console errors (unless <paramref name="allow"/>ed) and
    /// uncaught exceptions. The browser's own request for /favicon.ico (the gateway has none: a 404) is not the page's.
    /// </summary>
    private static ConcurrentQueue<string> Watch(IPage page, Func<string, bool>? allow = null)
    {
        var problems = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            var favicon = message.Location.Contains("/favicon.ico", StringComparison.Ordinal);
            if ((message.Type == "error" && !favicon && allow?.Invoke(message.Text) != true) || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                problems.Enqueue($"{message.Type}: {message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"uncaught: {error}");
        return problems;
    }

    private static async Task ExpectFigureAsync(ILocator element, string text, string attribute, decimal? value)
    {
        await Expect(element).ToHaveTextAsync(text);
        var raw = await element.GetAttributeAsync(attribute);
        if (value is null)
        {
            raw.Should().BeNull($"{attribute} of {element} with no figure");
        }
        else
        {
            Decimal(raw).Should().Be(value.Value, $"{attribute} of {element} is the API's number, unrounded");
        }
    }

    private static decimal Decimal(string? text) =>
        decimal.Parse(text ?? throw new InvalidOperationException("no value"), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static async Task<double> Height(ILocator rect) =>
        double.Parse(await rect.GetAttributeAsync("height") ?? "NaN", CultureInfo.InvariantCulture);

    /// <summary>An amount as the pages show it: USD, rounded to cents.</summary>
    private static string Usd(decimal amount) =>
        "$" + Math.Round(amount, 2, MidpointRounding.AwayFromZero).ToString("#,##0.00", CultureInfo.InvariantCulture);

    private static string Daily() =>
        $$"""{"from":"2026-11-30","to":"2026-12-02","days":[{{string.Join(",", Days.Select(day => string.Create(CultureInfo.InvariantCulture,
            $$"""{"date":"{{day.Date}}","sessions":{{day.Sessions}},"total":{{day.Total}},"agoraOnlyEquivalent":{{day.AgoraOnly}},"savingsPercent":{{(day.Savings is { } savings ? savings.ToString(CultureInfo.InvariantCulture) : "null")}}}""")))}}]}""";

    private static Task Json(HttpContext context, int status, string body, string contentType = "application/json")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body);
    }

    /// <summary>artifacts/test-results/browser/gateway-{name}.png, next to the end-to-end tests' screenshots.</summary>
    private static string ScreenshotPath(string name)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "HybridStreaming.sln")))
        {
            root = root.Parent;
        }

        var directory = Path.Combine(root?.FullName ?? AppContext.BaseDirectory, "artifacts", "test-results", "browser");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"gateway-{name}.png");
    }
}
