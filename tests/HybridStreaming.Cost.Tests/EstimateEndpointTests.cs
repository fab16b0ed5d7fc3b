using System.Text.Json;
using FluentAssertions;
using Xunit;
using HybridStreaming.Cost.Api.Api;
using HybridStreaming.Cost.Api.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// The estimate endpoint's logic without a host: the Cost API needs Postgres and RabbitMQ to start, so
/// these call the handler directly rather than through WebApplicationFactory.
/// </summary>
public sealed class EstimateEndpointTests
{
    private static readonly CostModel Model = new(PriceTable.Default);

    [Fact]
    public void A_valid_query_returns_both_modes_savings_break_even_and_the_table_version()
    {
        var result = CostsApi.Estimate(Model, "1000", "60", "hd", "interactive");

        var ok = result.Should().BeOfType<Ok<EstimateResponse>>().Subject;
        ok.Value!.Hybrid.Total.Should().Be(61.2576m);
        ok.Value.AgoraOnly.Total.Should().Be(239.9988m);
        ok.Value.SavingsPercent!.Value.Should().BeApproximately(74.48m, 0.005m);
        ok.Value.BreakEvenViewers.Should().Be(4);
        ok.Value.PriceTableVersion.Should().Be(PriceTable.Default.Version);
    }

    [Fact]
    public void Tier_and_audience_default_to_hd_and_interactive()
    {
        var result = CostsApi.Estimate(Model, "1000", "60", null, null);

        result.Should().BeOfType<Ok<EstimateResponse>>().Which.Value!.AgoraOnly.Total.Should().Be(239.9988m);
    }

    [Fact]
    public void The_answer_has_the_documented_json_shape()
    {
        var ok = (Ok<EstimateResponse>)CostsApi.Estimate(Model, "0", "0.75", "2k-plus", "broadcast");

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(ok.Value, new JsonSerializerOptions(JsonSerializerDefaults.Web)));

        var root = json.RootElement;
        root.GetProperty("hybrid").GetProperty("total").GetDecimal().Should().BePositive();
        root.GetProperty("hybrid").GetProperty("items")[0].EnumerateObject().Select(p => p.Name)
            .Should().Equal("name", "provider", "quantity", "unitPricePer1000", "amount");
        root.GetProperty("agoraOnly").GetProperty("items").GetArrayLength().Should().Be(3);
        root.GetProperty("savingsPercent").ValueKind.Should().Be(JsonValueKind.Number);
        root.GetProperty("breakEvenViewers").GetInt32().Should().Be(3);
        root.GetProperty("priceTableVersion").GetString().Should().StartWith("pt-");
    }

    [Theory]
    [InlineData("-1", "60", "hd", "interactive", "viewers")]
    [InlineData("10000001", "60", "hd", "interactive", "viewers")]
    [InlineData("many", "60", "hd", "interactive", "viewers")]
    [InlineData(null, "60", "hd", "interactive", "viewers")]
    [InlineData("10", "0", "hd", "interactive", "minutes")]
    [InlineData("10", "-5", "hd", "interactive", "minutes")]
    [InlineData("10", "10080.5", "hd", "interactive", "minutes")]
    [InlineData("10", null, "hd", "interactive", "minutes")]
    [InlineData("10", "60", "4k", "interactive", "tier")]
    [InlineData("10", "60", "hd", "passive", "audience")]
    public void A_bad_value_is_a_400_naming_its_field(string? viewers, string? minutes, string? tier, string? audience, string field)
    {
        var result = CostsApi.Estimate(Model, viewers, minutes, tier, audience);

        var problem = result.Should().BeOfType<ValidationProblem>().Subject;
        problem.StatusCode.Should().Be(StatusCodes.Status400BadRequest);
        problem.ProblemDetails.Errors.Keys.Should().Equal(field);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var result = CostsApi.Estimate(Model, "-1", "0", "8k", "loud");

        result.Should().BeOfType<ValidationProblem>().Which.ProblemDetails.Errors.Keys
            .Should().BeEquivalentTo("viewers", "minutes", "tier", "audience");
    }

    [Fact]
    public void The_limits_themselves_are_accepted()
    {
        CostsApi.Estimate(Model, "10000000", "10080", "audio", "broadcast").Should().BeOfType<Ok<EstimateResponse>>();
    }
}
