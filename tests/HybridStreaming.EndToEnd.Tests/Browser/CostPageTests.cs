using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FluentAssertions;
using HybridStreaming.Testing;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace HybridStreaming.EndToEnd.Tests.Browser;

/// <summary>
/// What a stream cost, in real headless Chromium against the whole topology: the studio's meter while a
/// seller is live, the session's cost from the Cost API's ledger once the stream has ended, and the
/// seller's /costs page. What the pages show must be what the Cost API answers the same seller, to the cent.
/// </summary>
public sealed class CostPageTests(SystemFixture system, ChromiumFixture chromium)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Generous = new() { Timeout = 90_000 };

    /// <summary>
    /// From the stop until the ledger is written: every usage fact (the workers' recording and relay minutes,
    /// the viewer usage) has to reach the Cost API first. Generous, as the other end-to-end timeouts are.
    /// </summary>
    private static readonly LocatorAssertionsToHaveAttributeOptions Ledger = new() { Timeout = 180_000 };

    private Uri Gateway => system.Gateway.Http.BaseAddress!;

    [Fact]
    public Task A_seller_sees_what_a_stream_cost_in_the_studio_and_the_same_figures_on_the_costs_page() =>
        chromium.RunAsync(Gateway, "costs", async session =>
        {
            var seller = "seller-" + Guid.NewGuid().ToString("N")[..8];
            var studio = await session.NewPageAsync("seller");
            await studio.GotoAsync("/studio");
            await studio.Locator("#dev-user").FillAsync(seller);
            await studio.Locator("#dev-role").SelectOptionAsync("seller");
            await studio.Locator("#dev-sign-in button[type=submit]").ClickAsync();
            await Expect(studio.Locator("#studio")).ToHaveAttributeAsync("data-state", "signed-in");
            await studio.Locator("#new-title").FillAsync("What it costs");
            await studio.Locator("#new-channel button[type=submit]").ClickAsync();
            await Expect(studio.Locator("#channel-heading")).ToHaveTextAsync("What it costs");
            var channelId = Guid.Parse(Regex.Match(studio.Url, "#channel=([0-9a-f-]{36})").Groups[1].Value);

            // Live: the meter shows an estimate for the session's mode, labelled as one.
            await studio.Locator("#go-live").ClickAsync();
            await Expect(studio.Locator("#session-state")).ToHaveAttributeAsync("data-state", "live", Generous);
            await Expect(studio.Locator("#session-state")).ToHaveAttributeAsync("data-mode", "hybrid");
            await Expect(studio.Locator("#cost-estimate")).ToHaveTextAsync(new Regex(@"^\$\d+(,\d{3})*\.\d{2}$"), new() { Timeout = 30_000 });
            Amount(await studio.Locator("#cost-estimate").GetAttributeAsync("data-amount")).Should().BePositive();
            Amount(await studio.Locator("#cost-estimate-other").GetAttributeAsync("data-amount")).Should().BePositive();
            await Expect(studio.Locator("#cost-estimate-basis")).ToHaveTextAsync(new Regex(@"^Estimate at HD list prices, \d+ viewers? for [\d.]+ min\.$"));

            // Ended: the studio waits for the ledger, then shows the session's cost.
            await studio.Locator("#stop").ClickAsync();
            await Expect(studio.Locator("#session-state")).ToHaveAttributeAsync("data-state", "ended", Generous);
            var sessionCost = studio.Locator("#session-cost");
            await Expect(sessionCost).ToHaveAttributeAsync("data-status", new Regex("^(complete|provisional)$"), Ledger);
            await Expect(studio.Locator("#cost-estimate")).ToHaveCountAsync(0);

            var token = await system.Gateway.TokenAsync(seller, "seller");
            var status = await system.Gateway.StatusAsync(token, channelId);
            status.SessionId.Should().NotBeNull();
            (await sessionCost.GetAttributeAsync("data-session-id")).Should().Be(status.SessionId!.Value.ToString());
            using var ledger = await ReadAsync(token, $"/api/costs/sessions/{status.SessionId}");
            var cost = ledger.RootElement;
            // A provisional ledger may have been revised since the page last asked; the page follows within 10 s.
            await Expect(sessionCost).ToHaveAttributeAsync("data-status", cost.GetProperty("status").GetString()!, new() { Timeout = 30_000 });
            await ExpectAmountAsync(studio.Locator("#session-cost-total"), cost.GetProperty("actual").GetProperty("total").GetDecimal());
            await ExpectAmountAsync(studio.Locator("#session-cost-hybrid"), cost.GetProperty("hybridTotal").GetDecimal());
            await ExpectAmountAsync(studio.Locator("#session-cost-agora-only"), cost.GetProperty("agoraOnlyTotal").GetDecimal());
            var savings = cost.GetProperty("savingsPercent");
            var shownSavings = await studio.Locator("#session-cost-savings").GetAttributeAsync("data-percent");
            if (savings.ValueKind == JsonValueKind.Null)
            {
                shownSavings.Should().BeNull();
                await Expect(studio.Locator("#session-cost-savings")).ToHaveTextAsync("—");
            }
            else
            {
                Amount(shownSavings).Should().BeApproximately(savings.GetDecimal(), 0.000001m);
            }

            await ChromiumFixture.ScreenshotAsync(studio, "studio-session-cost");

            // /costs, as the same seller (the account is kept): the summary and today's row are the Cost API's.
            await studio.GotoAsync("/costs");
            await Expect(studio.Locator("#costs")).ToHaveAttributeAsync("data-state", "ready", new() { Timeout = 30_000 });
            var from = await studio.Locator("#costs-from").InputValueAsync();
            var to = await studio.Locator("#costs-to").InputValueAsync();
            to.Should().Be(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "the page's range ends today (UTC) by default");
            using var summaryDocument = await ReadAsync(token, $"/api/costs/summary?from={from}&to={to}");
            using var dailyDocument = await ReadAsync(token, $"/api/costs/daily?from={from}&to={to}");
            var summary = summaryDocument.RootElement;
            summary.GetProperty("sessions").GetInt32().Should().Be(1, "the seller is new and streamed once");

            await ExpectAmountAsync(studio.Locator("#summary-total"), summary.GetProperty("total").GetDecimal());
            await ExpectAmountAsync(studio.Locator("#summary-agora-only"), summary.GetProperty("agoraOnlyEquivalent").GetDecimal());
            await Expect(studio.Locator("#summary-sessions-hybrid")).ToHaveTextAsync(summary.GetProperty("sessionsByMode").GetProperty("hybrid").GetInt32().ToString(CultureInfo.InvariantCulture));
            await Expect(studio.Locator("#summary-sessions-agora-only")).ToHaveTextAsync(summary.GetProperty("sessionsByMode").GetProperty("agoraOnly").GetInt32().ToString(CultureInfo.InvariantCulture));
            summary.GetProperty("total").GetDecimal().Should().Be(cost.GetProperty("actual").GetProperty("total").GetDecimal(), "the seller's only session");

            var days = dailyDocument.RootElement.GetProperty("days").EnumerateArray().ToList();
            (await studio.Locator("#costs-table tbody tr[data-date]").CountAsync()).Should().Be(days.Count, "one row per day of the range");
            var today = days.Single(day => day.GetProperty("date").GetString() == to);
            var row = studio.Locator($"#costs-table tr[data-date='{to}']");
            await Expect(row.Locator("td[data-field=sessions]")).ToHaveTextAsync(today.GetProperty("sessions").GetInt32().ToString(CultureInfo.InvariantCulture));
            await ExpectAmountAsync(row.Locator("td[data-field=total]"), today.GetProperty("total").GetDecimal());
            await ExpectAmountAsync(row.Locator("td[data-field=agoraOnlyEquivalent]"), today.GetProperty("agoraOnlyEquivalent").GetDecimal());
            Amount(await studio.Locator($"svg#costs-chart rect[data-date='{to}'][data-series='actual']").GetAttributeAsync("data-amount"))
                .Should().BeApproximately(today.GetProperty("total").GetDecimal(), 0.000001m);
            Amount(await studio.Locator($"svg#costs-chart rect[data-date='{to}'][data-series='agora-only']").GetAttributeAsync("data-amount"))
                .Should().BeApproximately(today.GetProperty("agoraOnlyEquivalent").GetDecimal(), 0.000001m);
            await ChromiumFixture.ScreenshotAsync(studio, "costs");
        });

    private async Task<JsonDocument> ReadAsync(string token, string path)
    {
        using var response = await system.Gateway.SendAsync(HttpMethod.Get, path, token);
        await GatewayClient.EnsureAsync(response, HttpStatusCode.OK);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// The element shows <paramref name="amount"/> rounded to cents, and carries it unrounded in data-amount
    /// (as the page's JavaScript number printed it, so equal to a millionth of a cent).
    /// </summary>
    private static async Task ExpectAmountAsync(ILocator element, decimal amount)
    {
        await Expect(element).ToHaveTextAsync(CentsPattern(amount));
        Amount(await element.GetAttributeAsync("data-amount")).Should().BeApproximately(amount, 0.000001m);
    }

    /// <summary>"$1,234.57"; at an exact half cent either neighbour (the page rounds the binary double it parsed).</summary>
    private static Regex CentsPattern(decimal amount)
    {
        var cents = amount * 100;
        var fraction = Math.Abs(cents - decimal.Truncate(cents));
        decimal[] texts = Math.Abs(fraction - 0.5m) < 0.000001m
            ? [decimal.Floor(cents), decimal.Ceiling(cents)]
            : [Math.Round(cents, MidpointRounding.AwayFromZero)];

        return new Regex("^(" + string.Join("|", texts.Select(value => Regex.Escape((value / 100).ToString("$#,##0.00", CultureInfo.InvariantCulture)))) + ")$");
    }

    private static decimal Amount(string? text) =>
        decimal.Parse(text ?? throw new InvalidOperationException("The element has no figure."), NumberStyles.Float, CultureInfo.InvariantCulture);
}
