using HybridStreaming.Testing;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>A seller with a channel, ready to go live: the steps every lifecycle test starts with.</summary>
public sealed record Scenario(SystemFixture System, string SellerToken, ChannelDto Channel, RtcTokenDto Rtc)
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>Status polling interval when dozens of scenarios run at once.</summary>
    public static readonly TimeSpan ManyAtOnce = TimeSpan.FromSeconds(1);

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

    /// <param name="poll">How often to look; scenarios run by the dozen poll every second.</param>
    public async Task<StatusDto> GoLiveAndWaitAsync(TimeSpan? poll = null)
    {
        await Gateway.GoLiveAsync(SellerToken, Channel.Id);
        return await Gateway.WaitForStatusAsync(SellerToken, Channel.Id, s => s.State is "live" or "failed" or "ended", Generous, "the session to go live", poll);
    }

    public async Task<StatusDto> StopAndWaitAsync(TimeSpan? poll = null)
    {
        await Gateway.StopAsync(SellerToken, Channel.Id);
        return await Gateway.WaitForStatusAsync(SellerToken, Channel.Id, s => s.State is "ended" or "failed", Generous, "the session to end", poll);
    }

    public Task LeaveAgoraAsync() => System.Agora.LeaveBroadcasterAsync(Rtc.ChannelName, Rtc.Uid);

    /// <summary>
    /// Ends whatever the scenarios left running — the session (if any) and the seller's broadcaster —
    /// ignoring what is already gone. For a finally block: a failed assertion must not leave dozens of
    /// encoders and recorders running under the tests that follow on the same two cores.
    /// </summary>
    public static Task CleanUpAsync(IEnumerable<Scenario> scenarios) =>
        Task.WhenAll(scenarios.Select(async scenario =>
        {
            using (await scenario.Gateway.SendAsync(HttpMethod.Delete, $"/api/channels/{scenario.Channel.Id}/live", scenario.SellerToken))
            {
            }

            using (await scenario.System.Agora.Http.DeleteAsync($"/__emulator/channels/{scenario.Rtc.ChannelName}/broadcasters/{scenario.Rtc.Uid}"))
            {
            }
        }));
}
