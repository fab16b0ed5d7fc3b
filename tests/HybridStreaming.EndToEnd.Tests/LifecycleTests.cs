using System.Diagnostics;
using System.Net;
using FluentAssertions;
using HybridStreaming.Testing;
using Xunit;

namespace HybridStreaming.EndToEnd.Tests;

/// <summary>Go live → buyers get HLS of the seller's media → stop → ended, with usage recorded.</summary>
public sealed class LifecycleTests(SystemFixture system)
{
    private static readonly HttpClient Cdn = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_seller_goes_live_buyers_get_hls_of_the_channel_and_stopping_ends_the_session_with_usage()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);

        var live = await scenario.GoLiveAndWaitAsync();

        live.State.Should().Be("live", live.Reason);
        live.Mode.Should().Be("hybrid", live.Reason);
        live.HlsPlaybackUrl.Should().EndWith("/manifest/video.m3u8");
        live.Recording!.State.Should().Be("recording");
        live.Relay!.State.Should().Be("live");

        var buyer = await system.Gateway.TokenAsync("buyer-" + Guid.NewGuid().ToString("N")[..6], "buyer");
        var playback = await system.Gateway.PlaybackAsync(buyer, scenario.Channel.Id);
        playback.Mode.Should().Be("hybrid");
        playback.HlsUrl.Should().Be(live.HlsPlaybackUrl);

        var segments = await Eventually.ValueAsync(
            () => Hls.SegmentsAsync(Cdn, new Uri(playback.HlsUrl!)), s => s.Count >= 2, TimeSpan.FromSeconds(60), "two HLS segments");
        var segment = await Cdn.GetByteArrayAsync(segments[^1]);
        segment.Length.Should().BeGreaterThan(1000);
        (await Media.StreamsAsync(segment)).Should().Contain(["h264", "aac"]);

        var ended = await scenario.StopAndWaitAsync();

        ended.State.Should().Be("ended", ended.Reason);
        ended.IsActive.Should().BeFalse();
        ended.Recording!.State.Should().Be("stopped");
        ended.Recording.Minutes.Should().BeGreaterThan(0, "the recording reports how long it recorded");
        ended.Relay!.State.Should().Be("stopped");
        ended.Relay.Minutes.Should().BeGreaterThan(0, "the relay reports how long it forwarded");
        // The recording really recorded: Cloud Recording wrote the channel's files into the bucket folder.
        var storage = Path.Combine(system.App.StateDirectory, HybridStreaming.ServiceDefaults.KnownResources.AgoraEmulator, "storage");
        var recorded = Directory.EnumerateFiles(storage, $"*{scenario.Channel.AgoraChannelName}*.mp4", SearchOption.AllDirectories).ToList();
        recorded.Should().NotBeEmpty();
        (await Media.StreamsOfFileAsync(recorded[0])).Should().Contain("h264");
        using var after = await system.Gateway.SendAsync(HttpMethod.Get, $"/api/channels/{scenario.Channel.Id}/playback", buyer);
        after.StatusCode.Should().Be(HttpStatusCode.Conflict, "an ended stream has no playback");
        // The project subscribes to the seller-presence events alone (runbook): the recorder's and the
        // converter's notifications for this channel were never sent.
        var notifications = (await system.Agora.WebhookDeliveriesAsync())
            .Where(d => d.Body.Contains(scenario.Channel.AgoraChannelName, StringComparison.Ordinal)).Select(d => d.Event).ToList();
        notifications.Should().Contain("1.103").And.OnlyContain(e => e == "1.103" || e == "1.104" || e == "1.111" || e == "1.112");
        await scenario.LeaveAgoraAsync();
    }

    [Fact]
    public async Task Going_live_twice_is_a_conflict_and_a_live_channel_cannot_be_deleted()
    {
        var scenario = await Scenario.SellerWithChannelAsync(system);
        await system.Gateway.GoLiveAsync(scenario.SellerToken, scenario.Channel.Id);

        using var again = await system.Gateway.SendAsync(HttpMethod.Post, $"/api/channels/{scenario.Channel.Id}/live", scenario.SellerToken);
        using var delete = await system.Gateway.SendAsync(HttpMethod.Delete, $"/api/channels/{scenario.Channel.Id}", scenario.SellerToken);

        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        delete.StatusCode.Should().Be(HttpStatusCode.Conflict);
        await system.Gateway.WaitForStatusAsync(scenario.SellerToken, scenario.Channel.Id, s => s.State == "live", Scenario.Generous, "live");
        await scenario.StopAndWaitAsync();
        using var deleted = await system.Gateway.SendAsync(HttpMethod.Delete, $"/api/channels/{scenario.Channel.Id}", scenario.SellerToken);
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        await scenario.LeaveAgoraAsync();
    }
}

/// <summary>Reads live HLS playlists the way a player does.</summary>
public static class Hls
{
    public static async Task<IReadOnlyList<Uri>> SegmentsAsync(HttpClient http, Uri playlist)
    {
        using var response = await http.GetAsync(playlist);
        if (response.StatusCode == HttpStatusCode.NoContent || !response.IsSuccessStatusCode)
        {
            return [];
        }

        var text = await response.Content.ReadAsStringAsync();
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        if (lines.Count > 0 && lines.All(l => l.EndsWith(".m3u8", StringComparison.Ordinal)))
        {
            // A master playlist: follow the first variant.
            return await SegmentsAsync(http, new Uri(playlist, lines[0]));
        }

        return [.. lines.Select(l => new Uri(playlist, l))];
    }
}

/// <summary>What ffprobe sees in a piece of media.</summary>
public static class Media
{
    public static async Task<IReadOnlyList<string>> StreamsAsync(byte[] media)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(file, media);
            return await StreamsOfFileAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static async Task<IReadOnlyList<string>> StreamsOfFileAsync(string file)
    {
        using var probe = Process.Start(new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", file])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await probe.StandardOutput.ReadToEndAsync();
        await probe.WaitForExitAsync();
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }
}
