using FluentAssertions;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>When the CDN path fails, the seller still goes live — on Agora only, with the reason.</summary>
public sealed class FallbackTests(SystemFixture system)
{
    [Fact]
    public async Task With_cloudflare_failing_the_session_goes_live_agora_only_and_the_next_one_is_hybrid_again()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        var first = await scenario.GoLiveWithCloudflareFailingAsync(500);

        first.State.Should().Be("live");
        first.Mode.Should().Be("agora-only");
        first.Reason.Should().NotBeNullOrWhiteSpace().And.Contain("Agora");
        (first.LiveAt!.Value - first.StartedAt!.Value).Should().BeLessThan(
            TimeSpan.FromSeconds(int.Parse(SystemFixture.RelayDeadlineSeconds) + 5), "the fallback happens within the relay deadline");
        var buyer = await system.Gateway.TokenAsync("buyer-" + Guid.NewGuid().ToString("N")[..6], "buyer");
        var playback = await system.Gateway.PlaybackAsync(buyer, scenario.Channel.Id);
        playback.Mode.Should().Be("agora-only");
        playback.ChannelName.Should().Be(scenario.Channel.AgoraChannelName);
        playback.AppId.Should().MatchRegex("^[0-9a-fA-F]{32}$");
        await scenario.StopAndWaitAsync();
        // The relay's circuit breaker (2 s in tests, 30 s by default) lets traffic through again.
        await Task.Delay(TimeSpan.FromSeconds(3));

        var second = await scenario.GoLiveAndWaitAsync();

        second.Mode.Should().Be("hybrid", second.Reason);
        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
    }
}
