using FluentAssertions;
using HybridStreaming.Relay.Worker.Application;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace HybridStreaming.Workers.Tests;

/// <summary>The relay worker keeps trying at least as long as the Channel API waits, and a grace period beyond.</summary>
public sealed class RelayOptionsTests
{
    [Fact]
    public void The_worker_waits_for_the_channel_apis_deadline_plus_the_grace_period()
    {
        var options = Read(new() { ["RELAY_START_DEADLINE_SECONDS"] = "33", ["RELAY_LATE_START_GRACE_SECONDS"] = "90" });

        options.StartDeadline.Should().Be(TimeSpan.FromSeconds(33));
        options.GiveUpAfter.Should().Be(TimeSpan.FromSeconds(123)).And.BeGreaterThanOrEqualTo(options.StartDeadline);
    }

    [Fact]
    public void By_default_it_waits_the_20_s_deadline_and_120_s_more()
    {
        var options = Read([]);

        options.GiveUpAfter.Should().Be(TimeSpan.FromSeconds(140));
    }

    [Fact]
    public void With_no_grace_it_still_waits_the_whole_deadline()
    {
        Read(new() { ["RELAY_START_DEADLINE_SECONDS"] = "20", ["RELAY_LATE_START_GRACE_SECONDS"] = "0" })
            .GiveUpAfter.Should().Be(TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData("RELAY_START_DEADLINE_SECONDS", "0")]
    [InlineData("RELAY_START_DEADLINE_SECONDS", "soon")]
    [InlineData("RELAY_LATE_START_GRACE_SECONDS", "-1")]
    public void A_bad_value_stops_the_worker_naming_the_setting(string key, string value)
    {
        var read = () => Read(new() { [key] = value });

        read.Should().Throw<InvalidOperationException>().WithMessage($"*{key}*");
    }

    private static RelayOptions Read(Dictionary<string, string?> settings)
    {
        var options = new RelayOptions();
        options.ReadFlatSettings(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return options;
    }
}
