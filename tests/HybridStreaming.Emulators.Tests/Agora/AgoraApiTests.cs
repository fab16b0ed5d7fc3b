using System.Text.Json.Nodes;
using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Testing;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Agora;

/// <summary>Agora's Cloud Recording and Media Push REST APIs as reference/agora.md §2–§3 describe them; broadcasters and NCS.</summary>
public sealed class AgoraApiTests(EmulatorsFixture fixture)
{
    private readonly EmulatorTopology _t = fixture.Topology;

    private string Recording => $"/v1/apps/{_t.Providers.AgoraAppId}/cloud_recording";

    private string Converters => $"/na/v1/projects/{_t.Providers.AgoraAppId}/rtmp-converters";

    private static string NewChannel() => "ch_" + Guid.NewGuid().ToString("N")[..12];

    private string Token(string channel, uint uid) =>
        TestTokenBuilder.Publisher(_t.Providers.AgoraAppId, _t.Providers.AgoraAppCertificate, channel, uid);

    private object StartBody(string channel, string uid, string[]? fileTypes = null) => new
    {
        cname = channel,
        uid,
        clientRequest = new
        {
            token = Token(channel, uint.Parse(uid, System.Globalization.CultureInfo.InvariantCulture)),
            recordingConfig = new { channelType = 1, streamTypes = 2, maxIdleTime = 30, subscribeAudioUids = new[] { "#allstream#" } },
            recordingFileConfig = new { avFileType = fileTypes ?? ["hls"] },
            storageConfig = new { vendor = 1, region = 0, bucket = "test-bucket", accessKey = "AKIAEXAMPLE", secretKey = "example-secret-key", fileNamePrefix = new[] { "tests", channel.Replace("_", "", StringComparison.Ordinal) } },
        },
    };

    [Fact]
    public async Task Rest_calls_without_or_with_wrong_basic_auth_are_401()
    {
        (await _t.Anonymous.PostJsonAsync(new Uri(_t.AgoraUrl, Recording + "/acquire").ToString(), new { cname = "x", uid = "1" }))
            .Should().Match<(int Status, JsonNode? Body)>(r => r.Status == 401 && r.Body!["message"]!.GetValue<string>() == "Unauthorized");
        using var wrong = new HttpClient { BaseAddress = _t.AgoraUrl };
        wrong.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("a:b"u8.ToArray()));
        var response = await wrong.GetJsonAsync(Converters.Replace("/na", "", StringComparison.Ordinal));
        response.Status.Should().Be(401);
        response.Body!["message"]!.GetValue<string>().Should().Be("Invalid authentication credentials");
    }

    [Fact]
    public async Task Unknown_routes_answer_as_agoras_gateway_does()
    {
        var response = await _t.Agora.GetJsonAsync("/v1/nothing/here");

        response.Status.Should().Be(404);
        response.Body!["message"]!.GetValue<string>().Should().Be("no Route matched with those values");
        (await _t.Agora.PostJsonAsync("/xx/v1/projects/a/rtmp-converters", new { })).Status.Should().Be(404, "regions are cn, ap, eu, na");
    }

    [Theory]
    [InlineData("""{"uid":"1","clientRequest":{}}""", "cname")]
    [InlineData("""{"cname":"c","uid":"0","clientRequest":{}}""", "uid")]
    [InlineData("""{"cname":"c","uid":"abc","clientRequest":{}}""", "uid")]
    [InlineData("""{"cname":"c","uid":"1","clientRequest":{"resourceExpiredHour":0}}""", "resourceExpiredHour")]
    public async Task Acquire_validates_its_body_with_code_2(string body, string field)
    {
        var response = await _t.Agora.PostJsonAsync(Recording + "/acquire", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.Status.Should().Be(400);
        response.Body!["code"]!.GetValue<int>().Should().Be(2);
        response.Body["reason"]!.GetValue<string>().Should().Contain(field);
    }

    [Fact]
    public async Task A_recording_nobody_published_in_stops_with_435_and_then_is_gone()
    {
        var channel = NewChannel();
        var acquired = await _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = channel, uid = "4000000001", clientRequest = new { resourceExpiredHour = 24 } });
        acquired.Status.Should().Be(200);
        acquired.Body!["cname"]!.GetValue<string>().Should().Be(channel);
        var resource = acquired.Body["resourceId"]!.GetValue<string>();

        var started = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/mode/mix/start", StartBody(channel, "4000000001"));
        started.Status.Should().Be(200, started.Body?.ToJsonString());
        var sid = started.Body!["sid"]!.GetValue<string>();
        started.Body["resourceId"]!.GetValue<string>().Should().Be(resource);

        var again = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/mode/mix/start", StartBody(channel, "4000000001"));
        again.Status.Should().Be(201);
        again.Body!["code"]!.GetValue<int>().Should().Be(7);

        var query = await _t.Agora.GetJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/query");
        query.Status.Should().Be(200);
        query.Body!["serverResponse"]!["status"]!.GetValue<int>().Should().Be(5);

        (await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/update",
            new { cname = channel, uid = "4000000001", clientRequest = new { streamSubscribe = new { audioUidList = new { subscribeAudioUids = new[] { "#allstream#" } } } } })).Status.Should().Be(200);
        (await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/updateLayout",
            new { cname = channel, uid = "4000000001", clientRequest = new { mixedVideoLayout = 1 } })).Status.Should().Be(200);

        var stop = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/stop", new { cname = channel, uid = "4000000001", clientRequest = new { } });
        stop.Status.Should().Be(206);
        stop.Body!["code"]!.GetValue<int>().Should().Be(435);

        var second = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/stop", new { cname = channel, uid = "4000000001", clientRequest = new { } });
        second.Status.Should().Be(400);
        second.Body!["code"]!.GetValue<int>().Should().Be(49);
        var gone = await _t.Agora.GetJsonAsync($"{Recording}/resourceid/{resource}/sid/{sid}/mode/mix/query");
        gone.Status.Should().Be(404);
        gone.Body!["code"]!.GetValue<int>().Should().Be(404);
    }

    [Fact]
    public async Task Start_refuses_unknown_resources_mismatched_tasks_conflicts_and_bad_bodies()
    {
        var channel = NewChannel();
        (await _t.Agora.PostJsonAsync($"{Recording}/resourceid/nope/mode/mix/start", StartBody(channel, "4000000002"))).Body!["code"]!.GetValue<int>().Should().Be(1001);

        var first = (await _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = channel, uid = "4000000002", clientRequest = new { } })).Body!["resourceId"]!.GetValue<string>();
        var mismatch = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{first}/mode/mix/start", StartBody(channel, "4000000003"));
        mismatch.Body!["code"]!.GetValue<int>().Should().Be(432);

        var noStorage = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{first}/mode/mix/start", new { cname = channel, uid = "4000000002", clientRequest = new { token = Token(channel, 4000000002) } });
        noStorage.Status.Should().Be(400);
        noStorage.Body!["reason"]!.GetValue<string>().Should().Contain("storageConfig");

        var mp4Only = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{first}/mode/mix/start", StartBody(channel, "4000000002", ["mp4"]));
        mp4Only.Body!["reason"]!.GetValue<string>().Should().Contain("avFileType");

        (await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{first}/mode/mix/start", StartBody(channel, "4000000002"))).Status.Should().Be(200);
        var second = (await _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = channel, uid = "4000000002", clientRequest = new { } })).Body!["resourceId"]!.GetValue<string>();
        var conflict = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{second}/mode/mix/start", StartBody(channel, "4000000002"));
        conflict.Status.Should().Be(400);
        conflict.Body!["code"]!.GetValue<int>().Should().Be(53);
    }

    [Fact]
    public async Task A_recorder_with_a_bad_token_leaves_at_once_so_query_finds_no_worker()
    {
        var channel = NewChannel();
        var resource = (await _t.Agora.PostJsonAsync(Recording + "/acquire", new { cname = channel, uid = "4000000009", clientRequest = new { } })).Body!["resourceId"]!.GetValue<string>();
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(StartBody(channel, "4000000009")))!;
        body["clientRequest"]!["token"] = Token("another_channel", 4000000009);

        var started = await _t.Agora.PostJsonAsync($"{Recording}/resourceid/{resource}/mode/mix/start", body);

        started.Status.Should().Be(200);
        (await _t.Agora.GetJsonAsync($"{Recording}/resourceid/{resource}/sid/{started.Body!["sid"]}/mode/mix/query")).Status.Should().Be(404);
    }

    [Fact]
    public async Task Converters_are_created_read_updated_listed_and_deleted()
    {
        var channel = NewChannel();
        var name = channel + "_cdn";
        var create = await _t.Agora.PostJsonAsync(Converters, new
        {
            converter = new { name, rawOptions = new { rtcChannel = channel, rtcStreamUid = 201 }, rtmpUrl = "rtmp://127.0.0.1:1/live/key", idleTimeout = 300 },
        });
        create.Status.Should().Be(200, create.Body?.ToJsonString());
        create.Body!["fields"]!.GetValue<string>().Should().Be("id,createTs,updateTs,state");
        create.Body["converter"]!["state"]!.GetValue<string>().Should().Be("connecting");
        var id = create.Body["converter"]!["id"]!.GetValue<string>();

        var duplicate = await _t.Agora.PostJsonAsync(Converters, new { converter = new { name, rawOptions = new { rtcChannel = channel, rtcStreamUid = 201 }, rtmpUrl = "rtmp://127.0.0.1:1/live/key" } });
        duplicate.Status.Should().Be(409);
        duplicate.Body!["message"]!.GetValue<string>().Should().Contain(name);

        var got = await _t.Agora.GetJsonAsync($"{Converters}/{id}");
        got.Body!["converter"]!["rawOptions"]!["rtcStreamUid"]!.GetValue<int>().Should().Be(201);
        got.Body["converter"]!["rtmpUrl"]!.GetValue<string>().Should().Be("rtmp://127.0.0.1:1/live/key");

        (await _t.Agora.SendAsync(HttpMethod.Patch, $"{Converters}/{id}", new { converter = new { rtmpUrl = "rtmp://127.0.0.1:2/live/key2" }, fields = "rtmpUrl" })).Status.Should().Be(400, "sequence is required");
        (await _t.Agora.SendAsync(HttpMethod.Patch, $"{Converters}/{id}?sequence=1", new { converter = new { rtmpUrl = "rtmp://127.0.0.1:2/live/key2" }, fields = "rtmpUrl" })).Status.Should().Be(200);
        (await _t.Agora.SendAsync(HttpMethod.Patch, $"{Converters}/{id}?sequence=1", new { converter = new { rtmpUrl = "rtmp://127.0.0.1:3/live/key3" }, fields = "rtmpUrl" })).Status.Should().Be(400, "the sequence must increase");
        (await _t.Agora.SendAsync(HttpMethod.Patch, $"{Converters}/{id}?sequence=2", new { converter = new { name = "other" }, fields = "name" })).Status.Should().Be(400, "the name cannot change");

        var all = await _t.Agora.GetJsonAsync($"/v1/projects/{_t.Providers.AgoraAppId}/rtmp-converters");
        all.Body!["success"]!.GetValue<bool>().Should().BeTrue();
        var member = all.Body["data"]!["members"]!.AsArray().Single(m => m!["converterId"]!.GetValue<string>() == id)!;
        member["rtmpUrl"]!.GetValue<string>().Should().Be("rtmp://127.0.0.1:2/live/key2");
        member.AsObject().Should().ContainKeys("rtcChannel", "converterName", "state", "create", "updateTs", "idleTimeout", "appId");
        var byChannel = await _t.Agora.GetJsonAsync($"/v1/projects/{_t.Providers.AgoraAppId}/channels/{channel}/rtmp-converters");
        byChannel.Body!["data"]!["total_count"]!.GetValue<int>().Should().Be(1);

        (await _t.Agora.SendAsync(HttpMethod.Delete, $"{Converters}/{id}")).Status.Should().Be(200);
        (await _t.Agora.GetJsonAsync($"{Converters}/{id}")).Status.Should().Be(404);
    }

    [Fact]
    public async Task A_transcoding_converter_is_accepted_and_keeps_its_options()
    {
        var channel = NewChannel();
        var create = await _t.Agora.PostJsonAsync(Converters, new
        {
            converter = new
            {
                name = channel + "_tc",
                transcodeOptions = new
                {
                    rtcChannel = channel,
                    audioOptions = new { codecProfile = "LC-AAC", sampleRate = 48000, bitrate = 48, audioChannels = 1 },
                    videoOptions = new { canvas = new { width = 360, height = 640 }, layout = new[] { new { rtcStreamUid = 201, region = new { xPos = 0, yPos = 0, zIndex = 1, width = 360, height = 640 } } }, bitrate = 400, frameRate = 15, codec = "H.264" },
                },
                rtmpUrl = "rtmp://127.0.0.1:1/live/tc",
                idleTimeout = 300,
            },
        });
        create.Status.Should().Be(200, create.Body?.ToJsonString());
        var id = create.Body!["converter"]!["id"]!.GetValue<string>();

        var patched = await _t.Agora.SendAsync(HttpMethod.Patch, $"{Converters}/{id}?sequence=0",
            new { converter = new { transcodeOptions = new { videoOptions = new { bitrate = 600 } } }, fields = "transcodeOptions.videoOptions.bitrate" });
        patched.Status.Should().Be(200, patched.Body?.ToJsonString());
        var got = await _t.Agora.GetJsonAsync($"{Converters}/{id}");
        got.Body!["converter"]!["transcodeOptions"]!["rtcChannel"]!.GetValue<string>().Should().Be(channel);
        got.Body["converter"]!["transcodeOptions"]!["videoOptions"]!["bitrate"]!.GetValue<int>().Should().Be(600);
        got.Body["converter"]!["transcodeOptions"]!["videoOptions"]!["canvas"]!["width"]!.GetValue<int>().Should().Be(360, "only the masked field changed");
        (await _t.Agora.SendAsync(HttpMethod.Delete, $"{Converters}/{id}")).Status.Should().Be(200);
    }

    [Theory]
    [InlineData("""{"converter":{"rtmpUrl":"rtmp://h/live/k"}}""", "rawOptions or transcodeOptions")]
    [InlineData("""{"converter":{"rawOptions":{"rtcChannel":"c","rtcStreamUid":1},"rtmpUrl":"http://h/live/k"}}""", "rtmpUrl")]
    [InlineData("""{"converter":{"name":"bad name!","rawOptions":{"rtcChannel":"c","rtcStreamUid":1},"rtmpUrl":"rtmp://h/live/k"}}""", "name")]
    [InlineData("""{"converter":{"rawOptions":{"rtcChannel":"c"},"rtmpUrl":"rtmp://h/live/k"}}""", "rtcStreamUid")]
    [InlineData("""{"converter":{"transcodeOptions":{"rtcChannel":"c","videoOptions":{}},"rtmpUrl":"rtmp://h/live/k"}}""", "bitrate")]
    public async Task Converter_bodies_are_validated_with_a_message(string body, string field)
    {
        var response = await _t.Agora.PostJsonAsync(Converters, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.Status.Should().Be(400);
        response.Body!["message"]!.GetValue<string>().Should().Contain(field);
    }

    [Fact]
    public async Task Broadcasters_join_only_with_a_valid_publisher_token_and_ncs_reports_the_channel_signed()
    {
        var channel = NewChannel();
        var broadcasters = $"/__emulator/channels/{channel}/broadcasters";

        var wrongUid = await _t.Agora.PostJsonAsync(broadcasters, new { uid = 7, token = Token(channel, 8) });
        wrongUid.Status.Should().Be(401);
        wrongUid.Body!["detail"]!.GetValue<string>().Should().Contain("uid 8, not 7");
        var expired = TestTokenBuilder.Build(_t.Providers.AgoraAppId, _t.Providers.AgoraAppCertificate, channel, 7,
            (uint)DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds(), 5, 3600, new Dictionary<ushort, uint> { [1] = 3600, [2] = 3600, [3] = 3600 });
        (await _t.Agora.PostJsonAsync(broadcasters, new { uid = 7, token = expired })).Body!["detail"]!.GetValue<string>().Should().Contain("expired");
        (await _t.Agora.PostJsonAsync(broadcasters, new { uid = 7 })).Status.Should().Be(400);

        (await _t.Agora.PostJsonAsync(broadcasters, new { uid = 7, token = Token(channel, 7) })).Status.Should().Be(201);
        (await _t.Agora.PostJsonAsync(broadcasters, new { uid = 7, token = Token(channel, 7) })).Status.Should().Be(409);
        (await _t.Agora.GetJsonAsync($"/__emulator/channels/{channel}")).Body!["broadcasters"]![0]!["uid"]!.GetValue<uint>().Should().Be(7);
        (await _t.Agora.SendAsync(HttpMethod.Delete, $"{broadcasters}/7?reason=10")).Status.Should().Be(204);
        (await _t.Agora.GetJsonAsync($"/__emulator/channels/{channel}")).Status.Should().Be(404);

        var events = await Eventually.ValueAsync(
            () => Task.FromResult(_t.Webhooks.Received.Where(w => w.Text.Contains(channel, StringComparison.Ordinal)).ToList()),
            list => list.Count >= 4, TimeSpan.FromSeconds(20), "channel events 101, 103, 104, 102");
        events.Select(e => e.Json["eventType"]!.GetValue<int>()).Should().Equal(101, 103, 104, 102);
        var leave = events[2].Json;
        leave.AsObject().Select(p => p.Key).Should().Equal("noticeId", "productId", "eventType", "notifyMs", "payload");
        leave["productId"]!.GetValue<int>().Should().Be(1);
        leave["payload"]!["reason"]!.GetValue<int>().Should().Be(10);
        leave["payload"]!["uid"]!.GetValue<uint>().Should().Be(7);
        leave["payload"]!.AsObject().Should().ContainKeys("channelName", "platform", "clientSeq", "ts", "duration");
        events.Should().OnlyContain(e => e.Path == "/api/webhooks/agora"
            && NcsSignatureTests.Verifies(_t.Providers.AgoraNcsSecret, e.Body, e.Headers["Agora-Signature"], e.Headers["Agora-Signature-V2"]));
    }
}
