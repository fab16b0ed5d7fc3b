using System.Globalization;
using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Processes;
using HybridStreaming.ServiceDefaults;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests;

/// <summary>
/// The second topology: <c>EMULATOR_MEDIA=off</c> (no ffmpeg, no nginx: a push is an HTTP call with
/// the same key and enabled checks) and <c>EMULATOR_STRICT=on</c> (the providers' quotas and timing).
/// Tests here run one after another: they share the per-second quotas.
/// </summary>
public sealed class NoMediaStrictTests(NoMediaStrictFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly EmulatorTopology _t = fixture.Topology;

    private string Recording => $"/v1/apps/{_t.Providers.AgoraAppId}/cloud_recording";

    [Fact]
    public async Task Without_media_a_converter_push_connects_the_input_through_http_and_notifies()
    {
        var channel = "nomedia_" + Guid.NewGuid().ToString("N")[..8];
        var input = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        var url = input["rtmps"]!["url"]!.GetValue<string>();
        url.Should().Be($"rtmp://127.0.0.1:{_t.CloudflareUrl.Port}/live/", "without media the emulator's own HTTP port stands for the RTMP server");
        await _t.JoinAsync(channel, 501);

        var good = await _t.CreateConverterAsync(channel + "_good", channel, 501, url + input["rtmps"]!["streamKey"]!.GetValue<string>());
        var bad = await _t.CreateConverterAsync(channel + "_bad", channel, 501, url + "wrong-key");

        await _t.WaitForConverterAsync(good, "running");
        await _t.WaitForConverterAsync(bad, "failed");
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]!.GetValue<string>().Should().Be("connected");
        await Eventually.TrueAsync(() => _t.Webhooks.Received.Any(w => w.Text.Contains(uid, StringComparison.Ordinal) && w.Text.Contains("live_input.connected", StringComparison.Ordinal)),
            Patience, "the connected notification");

        // The broadcaster leaves: the push stops and the input disconnects.
        (await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/501")).Status.Should().Be(204);
        await Eventually.TrueAsync(async () => (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]!.GetValue<string>() == "client_disconnect",
            Patience, "the input to disconnect");
        await _t.WaitForConverterAsync(good, "connecting");

        foreach (var emulator in new[] { KnownResources.AgoraEmulator, KnownResources.CloudflareEmulator })
        {
            var pid = _t.App.ProcessId(emulator) ?? throw new InvalidOperationException($"{emulator} is not running");
            ProcessTree.Descendants(pid).Select(p => p.Command).Should().NotContain(["ffmpeg", "nginx"], "media is off");
        }

        await _t.Agora.SendAsync(HttpMethod.Delete, $"{_t.ConvertersPath}/{good}");
        await _t.Agora.SendAsync(HttpMethod.Delete, $"{_t.ConvertersPath}/{bad}");
    }

    [Fact]
    public async Task An_encoder_back_within_the_reconnect_window_is_reconnected_and_the_same_video_goes_on()
    {
        var input = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic", timeoutSeconds = 30 } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        var key = new { streamKey = input["rtmps"]!["streamKey"]!.GetValue<string>() };

        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString(), key)).Status.Should().Be(200);
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString(), key)).Status.Should().Be(403, "one encoder at a time");
        var video = (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/videos")).Result()[0]!["uid"]!.GetValue<string>();
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/unpublish").ToString(), key)).Status.Should().Be(200);
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]!.GetValue<string>().Should().Be("client_disconnect");
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString(), key)).Status.Should().Be(200);

        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]!.GetValue<string>().Should().Be("reconnected");
        var videos = (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/videos")).Result().AsArray();
        videos.Should().ContainSingle().Which!["uid"]!.GetValue<string>().Should().Be(video);
        (await _t.Cloudflare.PostJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/disable", null)).Result();
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]!.GetValue<string>().Should().Be("client_disconnect", "disabling cuts the push");
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString(), key)).Status.Should().Be(403, "a disabled input refuses pushes");
    }

    [Fact]
    public async Task After_its_keys_are_rotated_an_input_takes_pushes_with_the_new_key_only()
    {
        var input = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        var publish = new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString();
        var oldKey = new { streamKey = input["rtmps"]!["streamKey"]!.GetValue<string>() };

        var rotated = (await _t.Cloudflare.PostJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/rotate_keys", null)).Result();
        var newKey = new { streamKey = rotated["rtmps"]!["streamKey"]!.GetValue<string>() };

        (await _t.Anonymous.PostJsonAsync(publish, oldKey)).Status.Should().Be(403, "a rotated key is revoked");
        (await _t.Anonymous.PostJsonAsync(publish, newKey)).Status.Should().Be(200, "the input's current key is accepted");
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]!.GetValue<string>().Should().Be("connected");
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/unpublish").ToString(), newKey)).Status.Should().Be(200);
    }

    [Fact]
    public async Task Deleting_a_live_input_ends_its_broadcast_and_keeps_the_recording_as_a_video()
    {
        var input = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic", timeoutSeconds = 60 } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        var key = new { streamKey = input["rtmps"]!["streamKey"]!.GetValue<string>() };
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString(), key)).Status.Should().Be(200);
        var video = (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/videos")).Result()[0]!["uid"]!.GetValue<string>();

        (await _t.Cloudflare.SendAsync(HttpMethod.Delete, $"{_t.StreamPath}/live_inputs/{uid}")).Result();

        await Eventually.TrueAsync(
            async () => (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/{video}")).Result()["status"]!["state"]!.GetValue<string>() == "ready",
            Patience, "the recording of the deleted input to be ready");
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.CloudflareUrl, "/__emulator/rtmp/publish").ToString(), key)).Status.Should().Be(403, "the key died with its input");
        await Eventually.TrueAsync(() => _t.Webhooks.Received.Any(w => w.Text.Contains(uid, StringComparison.Ordinal) && w.Text.Contains("live_input.disconnected", StringComparison.Ordinal)),
            Patience, "the disconnected notification");
    }

    [Fact]
    public async Task Strict_mode_answers_429_beyond_10_cloud_recording_calls_a_second()
    {
        await Task.Delay(1100, TestContext.Current.CancellationToken);
        var calls = Enumerable.Range(0, 15).Select(_ => _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = "qps", uid = "9", clientRequest = new { } }));

        var results = await Task.WhenAll(calls);

        results.Count(r => r.Status == 200).Should().BeLessThanOrEqualTo(10);
        results.Where(r => r.Status == 429).Should().NotBeEmpty()
            .And.OnlyContain(r => r.Body!["message"]!.GetValue<string>() == "API rate limit exceeded");
        await Task.Delay(1100, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Strict_mode_query_reaches_in_progress_about_5_seconds_after_start_and_a_recording_without_media_lists_its_files()
    {
        var channel = "strict_" + Guid.NewGuid().ToString("N")[..8];
        await _t.JoinAsync(channel, 601);
        var (resource, sid) = await StartRecordingAsync(channel, "4000000601");

        var first = await _t.Agora.GetJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/query");
        first.Body!["serverResponse"]!["status"]!.GetValue<int>().Should().BeLessThan(5, "status 5 comes seconds after start");
        await Eventually.TrueAsync(async () =>
        {
            await Task.Delay(400);
            return (await _t.Agora.GetJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/query")).Body?["serverResponse"]?["status"]?.GetValue<int>() == 5;
        }, TimeSpan.FromSeconds(15), "status 5");

        var stop = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/stop", new { cname = channel, uid = "4000000601", clientRequest = new { } });
        stop.Status.Should().Be(200, "a broadcaster was in the channel");
        stop.Body!["serverResponse"]!["fileListMode"]!.GetValue<string>().Should().Be("string");
        stop.Body["serverResponse"]!["fileList"]!.GetValue<string>().Should().Be($"{sid}_{channel}.m3u8");
        await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/601");
    }

    [Fact]
    public async Task Strict_mode_caps_concurrent_converters_and_recordings()
    {
        var channel = "caps_" + Guid.NewGuid().ToString("N")[..8];
        var converters = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            converters.Add(await _t.CreateConverterAsync($"{channel}_{i}", channel, 1, $"rtmp://127.0.0.1:1/live/k{i}"));
        }

        var over = await _t.Agora.PostJsonAsync(_t.ConvertersPath, new { converter = new { name = $"{channel}_x", rawOptions = new { rtcChannel = channel, rtcStreamUid = 1 }, rtmpUrl = "rtmp://127.0.0.1:1/live/x" } });
        over.Status.Should().Be(429);
        over.Body!["message"]!.GetValue<string>().Should().Contain("20");
        foreach (var id in converters)
        {
            (await _t.Agora.SendAsync(HttpMethod.Delete, $"{_t.ConvertersPath}/{id}")).Status.Should().Be(200);
        }

        // 50 concurrent recordings per App ID: the 51st start is refused. Calls are paced under 10 a second.
        var started = new List<(string Resource, string Sid, string Uid)>();
        for (var i = 0; i < 50; i++)
        {
            var uid = (4_100_000_000 + i).ToString(CultureInfo.InvariantCulture);
            var (resource, sid) = await StartRecordingAsync(channel, uid);
            started.Add((resource, sid, uid));
        }

        await Task.Delay(250, TestContext.Current.CancellationToken);
        var resource51 = (await Paced(() => _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = channel, uid = "4100000050", clientRequest = new { } }))).Body!["resourceId"]!.GetValue<string>();
        var refused = await Paced(() => _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource51}/mode/mix/start", StartBody(channel, "4100000050")));
        refused.Status.Should().Be(429);
        refused.Body!["reason"]!.GetValue<string>().Should().Contain("50");

        foreach (var (resource, sid, uid) in started)
        {
            (await Paced(() => _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/stop", new { cname = channel, uid, clientRequest = new { } }))).Status.Should().Be(206);
        }

        // Stopped tasks free their places: the same cname and uid start again.
        var (again, againSid) = await StartRecordingAsync(channel, started[0].Uid);
        (await Paced(() => _t.Agora.PostJsonAsync($"{Recording}/resourceid/{again}/sid/{againSid}/mode/mix/stop", new { cname = channel, uid = started[0].Uid, clientRequest = new { } }))).Status.Should().Be(206);
    }

    private async Task<(string Resource, string Sid)> StartRecordingAsync(string channel, string uid)
    {
        var acquired = await Paced(() => _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = channel, uid, clientRequest = new { } }));
        acquired.Status.Should().Be(200, acquired.Body?.ToJsonString());
        var resource = acquired.Body!["resourceId"]!.GetValue<string>();
        var started = await Paced(() => _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/mode/mix/start", StartBody(channel, uid)));
        started.Status.Should().Be(200, started.Body?.ToJsonString());
        return (resource, started.Body!["sid"]!.GetValue<string>());
    }

    /// <summary>Keeps the calls of these tests under the 10-a-second quota.</summary>
    private static async Task<T> Paced<T>(Func<Task<T>> call)
    {
        await Task.Delay(120);
        return await call();
    }

    private object StartBody(string channel, string uid) => new
    {
        cname = channel,
        uid,
        clientRequest = new
        {
            token = TestTokenBuilder.Publisher(_t.Providers.AgoraAppId, _t.Providers.AgoraAppCertificate, channel, uint.Parse(uid, CultureInfo.InvariantCulture)),
            storageConfig = new { vendor = 1, region = 0, bucket = "strict", accessKey = "AKIAEXAMPLE", secretKey = "example-secret" },
        },
    };
}
