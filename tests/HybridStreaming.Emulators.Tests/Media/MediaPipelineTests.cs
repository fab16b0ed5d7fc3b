using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Media;

/// <summary>
/// Real media end to end: a broadcaster's synthetic stream → Media Push (ffmpeg -c copy) → the live
/// input's key-checked RTMP ingest (nginx-rtmp) → live HLS → a recording; and Cloud Recording to files.
/// Generous timeouts: the figures come from the emulator-media benchmark.
/// </summary>
public sealed class MediaPipelineTests(EmulatorsFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private readonly EmulatorTopology _t = fixture.Topology;

    [Fact]
    public async Task A_converter_pushes_the_channel_into_a_live_input_that_serves_h264_aac_hls_until_it_is_disabled()
    {
        var channel = "media_" + Guid.NewGuid().ToString("N")[..8];
        var input = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { meta = new { name = channel }, recording = new { mode = "automatic" } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        var ingest = input["rtmps"]!["url"]!.GetValue<string>() + input["rtmps"]!["streamKey"]!.GetValue<string>();
        (await _t.Cloudflare.SendAsync(HttpMethod.Put, _t.StreamPath + "/webhook", new { notificationUrl = _t.Webhooks.Url + "/api/webhooks/cloudflare" })).Result();
        await _t.JoinAsync(channel, 201);

        var converter = await _t.CreateConverterAsync(channel + "_cdn", channel, 201, ingest);
        await _t.WaitForConverterAsync(converter, "running");

        var manifestUrl = new Uri(_t.CloudflareUrl, $"/{uid}/manifest/video.m3u8");
        var playlist = await Eventually.ValueAsync(() => PlaylistAsync(manifestUrl), p => MediaProbe.SegmentCount(p) >= 2, Patience, "a live playlist with 2 segments");
        playlist.Should().NotContain("#EXT-X-ENDLIST");
        using (var response = await _t.Anonymous.GetAsync(manifestUrl, TestContext.Current.CancellationToken))
        {
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/vnd.apple.mpegurl");
            response.Headers.CacheControl!.NoCache.Should().BeTrue();
            response.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        }

        (await MediaProbe.CodecsAsync(manifestUrl.ToString())).Should().Contain(["h264", "aac"]);
        var live = (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result();
        live["status"]!.GetValue<string>().Should().Be("connected");
        var lifecycle = JsonNode.Parse(await _t.Anonymous.GetStringAsync(new Uri(_t.CloudflareUrl, $"/{uid}/lifecycle"), TestContext.Current.CancellationToken))!;
        lifecycle["live"]!.GetValue<bool>().Should().BeTrue();
        var videoUid = lifecycle["videoUID"]!.GetValue<string>();
        JsonNode.Parse(await _t.Anonymous.GetStringAsync(new Uri(_t.CloudflareUrl, $"/{uid}/views"), TestContext.Current.CancellationToken))!["liveViewers"]!.GetValue<int>()
            .Should().BeGreaterThanOrEqualTo(1, "this test fetched the playlist");
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}?live_input_id={uid}")).Result()[0]!["status"]!["state"]!.GetValue<string>().Should().Be("live-inprogress");
        var connected = await NotificationAsync(uid, "live_input.connected");
        connected.Headers["cf-webhook-auth"].Should().Be(_t.Providers.CloudflareNotificationsSecret);
        connected.Json["data"]!["notification_name"]!.GetValue<string>().Should().Be("Stream Live Input");
        connected.Json.AsObject().Should().ContainKeys("name", "text", "data", "ts");

        // Disabling the input cuts the running push: the converter fails, the input disconnects.
        (await _t.Cloudflare.PostJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/disable", null)).Result();
        await _t.WaitForConverterAsync(converter, "failed");
        // The converter sees its push refused first; the input's status follows when the ingest reports the publisher gone.
        await Eventually.TrueAsync(
            async () => (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"]?.GetValue<string>() == "client_disconnect",
            Patience, "the disabled input to report client_disconnect");
        await NotificationAsync(uid, "live_input.disconnected");
        ((int)(await _t.Anonymous.GetAsync(manifestUrl, TestContext.Current.CancellationToken)).StatusCode).Should().Be(204);

        // The recording becomes a ready video whose HLS stays playable, and the video webhook says so, signed.
        var video = await Eventually.ValueAsync(
            async () => (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/{videoUid}")).Result(),
            v => v["status"]!["state"]!.GetValue<string>() == "ready", Patience, "the recording to be ready");
        video["readyToStream"]!.GetValue<bool>().Should().BeTrue();
        video["liveInput"]!.GetValue<string>().Should().Be(uid);
        video["duration"]!.GetValue<double>().Should().BeGreaterThan(1);
        var vod = await PlaylistAsync(new Uri(video["playback"]!["hls"]!.GetValue<string>()));
        vod.Should().Contain("#EXT-X-PLAYLIST-TYPE:VOD").And.Contain("#EXT-X-ENDLIST");
        (await MediaProbe.CodecsAsync(video["playback"]!["hls"]!.GetValue<string>())).Should().Contain(["h264", "aac"]);
        var webhook = await Eventually.ValueAsync(
            () => Task.FromResult(_t.Webhooks.Received.FirstOrDefault(w => w.Headers.ContainsKey("Webhook-Signature") && w.Text.Contains(videoUid, StringComparison.Ordinal))),
            w => w is not null, Patience, "the video webhook");
        VerifyWebhookSignature(webhook!, _t.Providers.CloudflareWebhookSecret).Should().BeTrue();
        webhook!.Json["status"]!["state"]!.GetValue<string>().Should().Be("ready");

        (await _t.Agora.SendAsync(HttpMethod.Delete, $"{_t.ConvertersPath}/{converter}")).Status.Should().Be(200);
        await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/201");

        // Media Push told NCS every step of the converter: created, connecting -> running -> failed, destroyed.
        var pushEvents = await Eventually.ValueAsync(
            () => Task.FromResult(_t.Webhooks.Received.Where(w => w.Path == "/api/webhooks/agora" && w.Json["payload"]?["converter"]?["id"]?.GetValue<string>() == converter).ToList()),
            list => list.Count >= 4, Patience, "the converter's NCS events");
        pushEvents.Should().OnlyContain(e => e.Json["productId"]!.GetValue<int>() == 5);
        pushEvents.Select(e => (e.Json["eventType"]!.GetValue<int>(), e.Json["payload"]!["converter"]!["state"]!.GetValue<string>()))
            .Should().Equal((1, "connecting"), (3, "running"), (3, "failed"), (4, "failed"));
        pushEvents[^1].Json["payload"]!["destroyReason"]!.GetValue<string>().Should().Be("Delete Request");
    }

    [Fact]
    public async Task A_push_with_a_wrong_or_rotated_key_is_refused_so_the_converter_fails()
    {
        var channel = "wrongkey_" + Guid.NewGuid().ToString("N")[..8];
        var input = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
        var uid = input["uid"]!.GetValue<string>();
        var oldKey = input["rtmps"]!["url"]!.GetValue<string>() + input["rtmps"]!["streamKey"]!.GetValue<string>();
        (await _t.Cloudflare.PostJsonAsync($"{_t.StreamPath}/live_inputs/{uid}/rotate_keys", null)).Result();
        await _t.JoinAsync(channel, 301);

        var wrong = await _t.CreateConverterAsync(channel + "_cdn", channel, 301, input["rtmps"]!["url"]!.GetValue<string>() + "not-the-key");
        var rotated = await _t.CreateConverterAsync(channel + "_old", channel, 301, oldKey);

        await _t.WaitForConverterAsync(wrong, "failed");
        await _t.WaitForConverterAsync(rotated, "failed");
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{uid}")).Result()["status"].Should().BeNull("nothing was ever accepted");
        await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/301");

        // ffmpeg echoed its command and printed its errors, with the keys in the URLs: the logs hold none of them.
        var logs = string.Join('\n', new[] { "agora-emulator", "cloudflare-emulator" }.SelectMany(r => _t.App.Logs(r)));
        logs.Should().Contain("converter-").And.Contain("****");
        foreach (var secret in new[] { oldKey.Split('/')[^1], _t.Providers.AgoraCustomerSecret, _t.Providers.AgoraAppCertificate, _t.Providers.CloudflareApiToken, _t.Providers.AgoraNcsSecret })
        {
            logs.Should().NotContain(secret);
        }
    }

    [Fact]
    public async Task An_enabled_output_simulcasts_a_live_input_to_another_rtmp_server()
    {
        var channel = "simulcast_" + Guid.NewGuid().ToString("N")[..8];
        var source = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
        var target = (await _t.Cloudflare.PostJsonAsync(_t.StreamPath + "/live_inputs", new { recording = new { mode = "automatic" } })).Result(201);
        var targetUid = target["uid"]!.GetValue<string>();
        var output = (await _t.Cloudflare.PostJsonAsync($"{_t.StreamPath}/live_inputs/{source["uid"]}/outputs",
            new { url = target["rtmps"]!["url"]!.GetValue<string>(), streamKey = target["rtmps"]!["streamKey"]!.GetValue<string>() })).Result(201);
        await _t.JoinAsync(channel, 501);

        var converter = await _t.CreateConverterAsync(channel + "_cdn", channel, 501, source["rtmps"]!["url"]!.GetValue<string>() + source["rtmps"]!["streamKey"]!.GetValue<string>());

        await Eventually.ValueAsync(() => PlaylistAsync(new Uri(_t.CloudflareUrl, $"/{targetUid}/manifest/video.m3u8")), p => MediaProbe.SegmentCount(p) >= 2, Patience,
            "the simulcast target to serve 2 segments");
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{targetUid}")).Result()["status"]!.GetValue<string>().Should().Be("connected");

        (await _t.Cloudflare.SendAsync(HttpMethod.Put, $"{_t.StreamPath}/live_inputs/{source["uid"]}/outputs/{output["uid"]}", new { enabled = false })).Result();
        await Eventually.TrueAsync(
            async () => (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/live_inputs/{targetUid}")).Result()["status"]?.GetValue<string>() == "client_disconnect",
            Patience, "a disabled output to stop pushing");
        await _t.Agora.SendAsync(HttpMethod.Delete, $"{_t.ConvertersPath}/{converter}");
        await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/501");
    }

    [Fact]
    public async Task Cloud_recording_writes_playable_hls_and_mp4_into_the_bucket_folder()
    {
        var channel = "rec_" + Guid.NewGuid().ToString("N")[..8];
        await _t.JoinAsync(channel, 401);
        var recording = $"/v1/apps/{_t.Providers.AgoraAppId}/cloud_recording";
        var resource = (await _t.Agora.PostJsonAsync(recording + "/acquire", new { cname = channel, uid = "4000000401", clientRequest = new { } })).Body!["resourceId"]!.GetValue<string>();
        var started = await _t.Agora.PostJsonAsync($"{recording}/resourceid/{resource}/mode/mix/start", new
        {
            cname = channel,
            uid = "4000000401",
            clientRequest = new
            {
                token = TestTokenBuilder.Publisher(_t.Providers.AgoraAppId, _t.Providers.AgoraAppCertificate, channel, 4000000401),
                recordingFileConfig = new { avFileType = new[] { "hls", "mp4" } },
                storageConfig = new { vendor = 1, region = 0, bucket = "recordings", accessKey = "AKIAEXAMPLE", secretKey = "example-secret", fileNamePrefix = new[] { "media", "test" } },
            },
        });
        started.Status.Should().Be(200, started.Body?.ToJsonString());
        var sid = started.Body!["sid"]!.GetValue<string>();

        await Eventually.TrueAsync(async () =>
        {
            var query = await _t.Agora.GetJsonAsync($"{recording}/resourceid/{resource}/sid/{sid}/mode/mix/query");
            return query.Body!["serverResponse"]!["fileList"]!.AsArray().Count > 0;
        }, Patience, "the recording to write its first files");
        await Task.Delay(TimeSpan.FromSeconds(4), TestContext.Current.CancellationToken);

        var stop = await _t.Agora.PostJsonAsync($"{recording}/resourceid/{resource}/sid/{sid}/mode/mix/stop", new { cname = channel, uid = "4000000401", clientRequest = new { async_stop = false } });
        stop.Status.Should().Be(200, stop.Body?.ToJsonString());
        stop.Body!["serverResponse"]!["uploadingStatus"]!.GetValue<string>().Should().Be("uploaded");
        var files = stop.Body["serverResponse"]!["fileList"]!.AsArray().Select(f => f!["fileName"]!.GetValue<string>()).ToList();
        files.Should().Contain($"{sid}_{channel}.m3u8").And.Contain(f => f.EndsWith(".mp4", StringComparison.Ordinal));

        var folder = Path.Combine(_t.AgoraStorage, "recordings", "media", "test");
        var playlist = Path.Combine(folder, $"{sid}_{channel}.m3u8");
        (await File.ReadAllTextAsync(playlist, TestContext.Current.CancellationToken)).Should().Contain("#EXT-X-ENDLIST");
        (await MediaProbe.DurationAsync(playlist)).Should().BeGreaterThan(2);
        foreach (var mp4 in files.Where(f => f.EndsWith(".mp4", StringComparison.Ordinal)))
        {
            (await MediaProbe.CodecsAsync(Path.Combine(folder, mp4))).Should().Equal("h264", "aac");
        }

        var uploaded = await Eventually.ValueAsync(
            () => Task.FromResult(_t.Webhooks.Received.FirstOrDefault(w => w.Text.Contains(sid, StringComparison.Ordinal) && w.Json["eventType"]!.GetValue<int>() == 31)),
            w => w is not null, Patience, "NCS event 31 (uploaded)");
        uploaded!.Json["productId"]!.GetValue<int>().Should().Be(3);
        uploaded.Json["payload"]!["details"]!["fileList"]!.AsArray().Should().NotBeEmpty();
        _t.Webhooks.Received.Where(w => w.Json["payload"]?["sid"]?.GetValue<string>() == sid).Select(w => w.Json["eventType"]!.GetValue<int>())
            .Should().Equal([40, 41, 31, 11], "recorder started, recorder left, uploaded, session exit");
        await _t.Agora.SendAsync(HttpMethod.Delete, $"/__emulator/channels/{channel}/broadcasters/401");
    }

    private async Task<string> PlaylistAsync(Uri url)
    {
        using var response = await _t.Anonymous.GetAsync(url);
        return (int)response.StatusCode == 200 ? await response.Content.ReadAsStringAsync() : "";
    }

    private async Task<ReceivedWebhook> NotificationAsync(string inputUid, string eventType) =>
        (await Eventually.ValueAsync(
            () => Task.FromResult(_t.Webhooks.Received.FirstOrDefault(w => w.Path == "/api/webhooks/cloudflare"
                && w.Json["data"]?["input_id"]?.GetValue<string>() == inputUid && w.Json["data"]?["event_type"]?.GetValue<string>() == eventType)),
            w => w is not null, Patience, eventType))!;

    /// <summary>Cloudflare's documented check, written here independently: HMAC-SHA256(secret, "&lt;time&gt;.&lt;raw body&gt;").</summary>
    private static bool VerifyWebhookSignature(ReceivedWebhook webhook, string secret)
    {
        var parts = webhook.Headers["Webhook-Signature"].Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var time = long.Parse(parts["time"], CultureInfo.InvariantCulture);
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - time) > 300)
        {
            return false;
        }

        var message = Encoding.UTF8.GetBytes(parts["time"] + ".").Concat(webhook.Body).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts["sig1"]));
    }
}
