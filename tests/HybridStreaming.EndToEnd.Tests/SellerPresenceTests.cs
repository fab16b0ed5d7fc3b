using FluentAssertions;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>The seller dropping out of the Agora channel: a grace period, then an automatic stop.</summary>
public sealed class SellerPresenceTests(SystemFixture system)
{
    [Fact]
    public async Task A_seller_who_leaves_is_stopped_after_the_grace_period()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();

        await scenario.LeaveAgoraAsync();

        var ended = await system.Gateway.WaitForStatusAsync(scenario.SellerToken, scenario.Channel.Id, s => s.State == "ended", Scenario.Generous, "the automatic stop");
        ended.Reason.Should().Contain("grace-expired");
    }

    [Fact]
    public async Task A_seller_who_comes_back_within_the_grace_period_stays_live()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await scenario.GoLiveAndWaitAsync();

        await scenario.LeaveAgoraAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await system.Agora.JoinBroadcasterAsync(scenario.Rtc.ChannelName, scenario.Rtc.Uid, scenario.Rtc.Token);
        // Well past the grace period: still live.
        await Task.Delay(TimeSpan.FromSeconds(int.Parse(SystemFixture.GraceSeconds) * 2 + 1));

        var status = await system.Gateway.StatusAsync(scenario.SellerToken, scenario.Channel.Id);
        status.State.Should().Be("live", status.Reason);
        await scenario.StopAndWaitAsync();
        await scenario.LeaveAgoraAsync();
    }
}
