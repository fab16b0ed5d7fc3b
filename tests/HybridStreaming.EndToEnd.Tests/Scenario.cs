using HybridStreaming.Testing;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>A seller with a channel, ready to go live: the steps every lifecycle test starts with.</summary>
public sealed record Scenario(SystemFixture System, string SellerToken, ChannelDto Channel, RtcTokenDto Rtc)
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    public GatewayClient Gateway => System.Gateway;

    public static async Task<Scenario> SellerWithChannelAsync(SystemFixture system, bool joinAgora = true, string? title = null)
    {
        var seller = "seller-" + Guid.NewGuid().ToString("N")[..8];
        var token = await system.Gateway.TokenAsync(seller, "seller");
        var channel = await system.Gateway.CreateChannelAsync(token, title ?? $"Live shop of {seller}");
        var rtc = await system.Gateway.RtcTokenAsync(token, channel.Id);
        if (joinAgora)
        {
            await system.Agora.JoinBroadcasterAsync(rtc.ChannelName, rtc.Uid, rtc.Token);
        }

        return new Scenario(system, token, channel, rtc);
    }

    public async Task<StatusDto> GoLiveAndWaitAsync()
    {
        await Gateway.GoLiveAsync(SellerToken, Channel.Id);
        return await Gateway.WaitForStatusAsync(SellerToken, Channel.Id, s => s.State is "live" or "failed" or "ended", Generous, "the session to go live");
    }

    public async Task<StatusDto> StopAndWaitAsync()
    {
        await Gateway.StopAsync(SellerToken, Channel.Id);
        return await Gateway.WaitForStatusAsync(SellerToken, Channel.Id, s => s.State is "ended" or "failed", Generous, "the session to end");
    }

    public Task LeaveAgoraAsync() => System.Agora.LeaveBroadcasterAsync(Rtc.ChannelName, Rtc.Uid);
}
