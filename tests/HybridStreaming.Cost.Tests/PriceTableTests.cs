using FluentAssertions;
using Xunit;
using HybridStreaming.Contracts;
using HybridStreaming.Cost.Api;
using HybridStreaming.Cost.Api.Domain;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Cost.Tests;

public sealed class PriceTableTests
{
    [Fact]
    public void The_defaults_are_the_list_prices()
    {
        var table = PriceTable.Default;

        table.Host(RecordingTier.Hd).Should().Be(3.99m);
        table.Audience(AudienceType.Interactive, RecordingTier.TwoKPlus).Should().Be(35.99m);
        table.Audience(AudienceType.Broadcast, RecordingTier.FullHd).Should().Be(4.59m);
        table.CloudRecording(RecordingTier.Audio).Should().Be(1.49m);
        table.MediaPushTranscoding.Should().Be(1.99m);
        table.Storage.Should().Be(5m);
        table.Delivery.Should().Be(1m);
        table.StorageRetentionMonths.Should().Be(1);
        table.Version.Should().MatchRegex("^pt-[0-9a-f]{12}$");
    }

    [Fact]
    public void An_override_changes_one_price_and_the_version()
    {
        var table = Resolve(new() { ["Prices:Agora:Host:Hd:UsdPer1000Minutes"] = "3.50" });

        table.Host(RecordingTier.Hd).Should().Be(3.50m);
        table.Host(RecordingTier.FullHd).Should().Be(8.99m);
        table.Audience(AudienceType.Interactive, RecordingTier.Hd).Should().Be(3.99m);
        table.Version.Should().NotBe(PriceTable.Default.Version);
    }

    [Fact]
    public void The_version_ignores_trailing_zeros()
    {
        Resolve(new() { ["Prices:Agora:Host:Hd:UsdPer1000Minutes"] = "3.990" }).Version
            .Should().Be(PriceTable.Default.Version);
    }

    [Fact]
    public void Retention_multiplies_the_storage_price()
    {
        var model = new CostModel(Resolve(new() { ["Prices:StorageRetentionMonths"] = "3" }));

        // 60 min stored for 3 months at 5 per 1,000 per month: 60 × 15 ÷ 1000 = 0.9.
        model.Estimate(0, 60m, RecordingTier.Hd).Hybrid.Items.Should()
            .ContainSingle(i => i.Name == "storage").Which.Should().Be(new CostItem("storage", "cloudflare", 60m, 15m, 0.9m));
    }

    [Fact]
    public async Task An_invalid_table_fails_start_up_with_one_message_naming_every_bad_entry()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prices:Agora:Host:Hd:UsdPer1000Minutes"] = "-1",
            ["Prices:Agora:CloudRecording:TwoK:UsdPer1000Minutes"] = "",
            ["Prices:Cloudflare:Delivery:Source"] = "",
            ["Prices:Agora:MediaPushTranscoding:TakenOn"] = "",
            ["Prices:StorageRetentionMonths"] = "0",
        });
        builder.Services.AddPriceTable(builder.Configuration);
        using var host = builder.Build();

        var start = () => host.StartAsync(TestContext.Current.CancellationToken);

        var failure = await start.Should().ThrowAsync<OptionsValidationException>();
        var message = failure.Which.Message;
        message.Should().StartWith("The Cost API's price table configuration is invalid (5 problems)")
            .And.Contain("Prices:Agora:Host:Hd:UsdPer1000Minutes must not be negative (got -1).")
            .And.Contain("Prices:Agora:CloudRecording:TwoK:UsdPer1000Minutes is missing.")
            .And.Contain("Prices:Cloudflare:Delivery:Source is missing.")
            .And.Contain("Prices:Agora:MediaPushTranscoding:TakenOn is missing")
            .And.Contain("Prices:StorageRetentionMonths must be at least 1 (got 0).");
    }

    [Fact]
    public void The_built_in_table_is_valid()
    {
        new PriceTableValidator().Validate(null, new PriceTableOptions()).Succeeded.Should().BeTrue();
    }

    private static PriceTable Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var services = new ServiceCollection().AddPriceTable(configuration).BuildServiceProvider();
        return services.GetRequiredService<PriceTable>();
    }
}
