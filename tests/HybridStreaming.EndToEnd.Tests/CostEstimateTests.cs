using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>The Cost API's estimate through the gateway, as a seller's app asks for it.</summary>
public sealed class CostEstimateTests(SystemFixture system)
{
    [Fact]
    public async Task An_hour_at_HD_for_1000_viewers_costs_61_2576_hybrid_against_239_9988_on_Agora_and_bad_input_is_400()
    {
        var seller = await system.Gateway.TokenAsync("seller-" + Guid.NewGuid().ToString("N")[..8], "seller");
        var guest = (await system.Gateway.GuestAsync()).AccessToken;

        using var estimate = await system.Gateway.SendAsync(HttpMethod.Get, "/api/costs/estimate?viewers=1000&minutes=60&tier=hd&audience=interactive", seller);
        using var invalid = await system.Gateway.SendAsync(HttpMethod.Get, "/api/costs/estimate?viewers=-1&minutes=0&tier=8k", seller);
        using var forGuest = await system.Gateway.SendAsync(HttpMethod.Get, "/api/costs/estimate?viewers=1&minutes=1", guest);
        using var anonymous = await system.Gateway.SendAsync(HttpMethod.Get, "/api/costs/estimate?viewers=1&minutes=1", token: null);

        estimate.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await estimate.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("hybrid").GetProperty("total").GetDecimal().Should().Be(61.2576m);
        body.GetProperty("agoraOnly").GetProperty("total").GetDecimal().Should().Be(239.9988m);
        body.GetProperty("savingsPercent").GetDecimal().Should().BeApproximately(74.48m, 0.005m);
        body.GetProperty("breakEvenViewers").GetInt64().Should().Be(4);
        invalid.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await invalid.Content.ReadAsStringAsync()).Should().Contain("\"viewers\"").And.Contain("\"minutes\"").And.Contain("\"tier\"");
        forGuest.StatusCode.Should().Be(HttpStatusCode.Forbidden, "costs are for account holders");
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
