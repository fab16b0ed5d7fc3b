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

    /// <summary>
    /// Goes live while Cloudflare answers every live-input creation with <paramref name="status"/> (500: an
    /// outage, retried; 400: a refusal, not retried), so the session falls back to agora-only.
    /// </summary>
    public async Task<StatusDto> GoLiveWithCloudflareFailingAsync(int status)
    {
        await System.Cloudflare.AddFaultAsync(new
        {
            match = new { method = "POST", path = "/client/v4/accounts/*/stream/live_inputs" },
            status,
            rate = 1.0,
            ttlSeconds = 120,
        });
        try
        {
            return await GoLiveAndWaitAsync();
        }
        finally
        {
            await System.Cloudflare.ClearFaultsAsync();
        }
    }

    public async Task<StatusDto> StopAndWaitAsync(TimeSpan? poll = null)
    {
        await Gateway.StopAsync(SellerToken, Channel.Id);
        return await Gateway.WaitForStatusAsync(SellerToken, Channel.Id, s => s.State is "ended" or "failed", Generous, "the session to end", poll);
    }

    public Task LeaveAgoraAsync() => System.Agora.LeaveBroadcasterAsync(Rtc.ChannelName, Rtc.Uid);

    /// <summary>
    /// <paramref name="count"/> sellers with channels at once. Disposing the set ends whatever they left
    /// running — sessions and broadcasters — so a failed assertion does not leave dozens of encoders and
    /// recorders running under the tests that follow on the same two cores.
    /// </summary>
    public static async Task<ScenarioSet> ManyAsync(SystemFixture system, int count) =>
        new(await Task.WhenAll(Enumerable.Range(0, count).Select(_ => SellerWithChannelAsync(system))));
}

/// <summary>Scenarios that end their sessions and leave Agora when disposed, ignoring what is already gone.</summary>
public sealed class ScenarioSet(IReadOnlyList<Scenario> scenarios) : IReadOnlyList<Scenario>, IAsyncDisposable
{
    public int Count => scenarios.Count;

    public Scenario this[int index] => scenarios[index];

    public IEnumerator<Scenario> GetEnumerator() => scenarios.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(scenarios.Select(async scenario =>
        {
            // Whatever state the session is in (or none): the answer does not matter, only that it ends.
            using (await scenario.Gateway.SendAsync(HttpMethod.Delete, $"/api/channels/{scenario.Channel.Id}/live", scenario.SellerToken))
            {
            }

            await scenario.LeaveAgoraAsync();
        }));
}
