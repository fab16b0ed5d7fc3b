using System.Text.Json.Nodes;
using FluentAssertions;
using HybridStreaming.Emulators.Tests.Infrastructure;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Cloudflare;

/// <summary>The Cloudflare Stream v4 API as reference/cloudflare-stream.md §1–§3 and §5a describe it.</summary>
public sealed class LiveInputApiTests(EmulatorsFixture fixture)
{
    private readonly EmulatorTopology _t = fixture.Topology;

    private string Inputs => _t.StreamPath + "/live_inputs";

    [Fact]
    public async Task Create_returns_201_the_envelope_and_every_documented_field_with_its_default()
    {
        var input = (await _t.Cloudflare.PostJsonAsync(Inputs, new { meta = new { name = "town hall" } })).Result(201);

        input["uid"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{32}$");
        input["meta"]!["name"]!.GetValue<string>().Should().Be("town hall");
        input["enabled"]!.GetValue<bool>().Should().BeTrue();
        input["preferLowLatency"]!.GetValue<bool>().Should().BeFalse();
        input["deleteRecordingAfterDays"].Should().BeNull();
        input.AsObject().Should().ContainKey("status");
        input["status"].Should().BeNull();
        input.AsObject().Should().NotContainKey("keysRotatedAt");
        input["recording"]!.ToJsonString().Should().Be("""{"mode":"off","timeoutSeconds":0,"requireSignedURLs":false,"allowedOrigins":[],"hideLiveViewerCount":false}""");
        input["rtmps"]!["url"]!.GetValue<string>().Should().MatchRegex(@"^rtmp://127\.0\.0\.1:\d+/live/$");
        input["rtmps"]!["streamKey"]!.GetValue<string>().Should().MatchRegex("^[0-9a-f]{32}k[0-9a-f]{32}$");
        input["rtmpsPlayback"]!["streamKey"]!.GetValue<string>().Should().NotBe(input["rtmps"]!["streamKey"]!.GetValue<string>());
        input["srt"]!.AsObject().Should().ContainKeys("url", "streamId", "passphrase");
        input["srtPlayback"]!.AsObject().Should().ContainKeys("url", "streamId", "passphrase");
        input["webRTC"]!["url"]!.GetValue<string>().Should().EndWith("/webRTC/publish");
        input["webRTCPlayback"]!["url"]!.GetValue<string>().Should().Be($"{_t.CloudflareUrl.GetLeftPart(UriPartial.Authority)}/{input["uid"]}/webRTC/play");
        DateTimeOffset.Parse(input["created"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            .Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Create_keeps_the_recording_settings_given()
    {
        var input = (await _t.Cloudflare.PostJsonAsync(Inputs, JsonNode.Parse("""
            {"meta":{"name":"x"},"recording":{"mode":"automatic","timeoutSeconds":10,"allowedOrigins":["*.example.com"]},"deleteRecordingAfterDays":45}
            """)!)).Result(201);

        input["recording"]!["mode"]!.GetValue<string>().Should().Be("automatic");
        input["recording"]!["timeoutSeconds"]!.GetValue<long>().Should().Be(10);
        input["recording"]!["allowedOrigins"]![0]!.GetValue<string>().Should().Be("*.example.com");
        input["deleteRecordingAfterDays"]!.GetValue<double>().Should().Be(45);
    }

    [Theory]
    [InlineData("""{"recording":{"mode":"sometimes"}}""", "recording.mode")]
    [InlineData("""{"enabled":"yes"}""", "enabled")]
    [InlineData("""{"deleteRecordingAfterDays":10}""", "deleteRecordingAfterDays")]
    [InlineData("""{"recording":{"timeoutSeconds":-1}}""", "recording.timeoutSeconds")]
    [InlineData("""{"meta":"x"}""", "meta")]
    [InlineData("""[1,2]""", "JSON object")]
    [InlineData("""{"meta":""", "not valid JSON")]
    public async Task A_bad_body_is_a_400_envelope_naming_the_field_and_creates_nothing(string body, string field)
    {
        var before = (await _t.Cloudflare.GetJsonAsync(Inputs)).Result()["total"]!.GetValue<int>();

        var response = await _t.Cloudflare.PostJsonAsync(Inputs, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.Failure(400).Should().Equal(10005);
        response.Body!["errors"]![0]!["message"]!.GetValue<string>().Should().Contain(field);
        (await _t.Cloudflare.GetJsonAsync(Inputs)).Result()["total"]!.GetValue<int>().Should().Be(before);
    }

    [Fact]
    public async Task Get_list_update_and_delete_follow_the_api()
    {
        var uid = (await _t.Cloudflare.PostJsonAsync(Inputs, new { meta = new { name = "one" } })).Result(201)["uid"]!.GetValue<string>();

        (await _t.Cloudflare.GetJsonAsync($"{Inputs}/{uid}")).Result()["meta"]!["name"]!.GetValue<string>().Should().Be("one");

        var list = (await _t.Cloudflare.GetJsonAsync(Inputs)).Result();
        list.AsObject().Should().ContainKeys("liveInputs", "range", "total");
        var item = list["liveInputs"]!.AsArray().Single(i => i!["uid"]!.GetValue<string>() == uid)!.AsObject();
        item.Select(p => p.Key).Should().BeEquivalentTo(["uid", "created", "modified", "meta", "deleteRecordingAfterDays", "enabled"], "the list carries no credentials");

        var updated = (await _t.Cloudflare.SendAsync(HttpMethod.Put, $"{Inputs}/{uid}", new { meta = new { name = "two" }, recording = new { mode = "automatic" } })).Result();
        updated["meta"]!["name"]!.GetValue<string>().Should().Be("two");
        updated["recording"]!["mode"]!.GetValue<string>().Should().Be("automatic");

        (await _t.Cloudflare.SendAsync(HttpMethod.Put, $"{Inputs}/{uid}", new { recording = new { mode = 1 } })).Failure(400);
        (await _t.Cloudflare.GetJsonAsync($"{Inputs}/{uid}")).Result()["recording"]!["mode"]!.GetValue<string>().Should().Be("automatic", "a rejected update changes nothing");

        (await _t.Cloudflare.SendAsync(HttpMethod.Delete, $"{Inputs}/{uid}")).Result().ToJsonString().Should().Be("{}");
        (await _t.Cloudflare.GetJsonAsync($"{Inputs}/{uid}")).Failure(404).Should().Equal(10003);
        (await _t.Cloudflare.SendAsync(HttpMethod.Delete, $"{Inputs}/{uid}")).Failure(404);
    }

    [Fact]
    public async Task Enable_disable_and_rotate_keys()
    {
        var created = (await _t.Cloudflare.PostJsonAsync(Inputs, new { })).Result(201);
        var uid = created["uid"]!.GetValue<string>();

        (await _t.Cloudflare.PostJsonAsync($"{Inputs}/{uid}/disable", null)).Result()["enabled"]!.GetValue<bool>().Should().BeFalse();
        (await _t.Cloudflare.PostJsonAsync($"{Inputs}/{uid}/enable", null)).Result()["enabled"]!.GetValue<bool>().Should().BeTrue();

        var rotated = (await _t.Cloudflare.PostJsonAsync($"{Inputs}/{uid}/rotate_keys", null)).Result();
        rotated["rtmps"]!["streamKey"]!.GetValue<string>().Should().NotBe(created["rtmps"]!["streamKey"]!.GetValue<string>());
        rotated["srt"]!["passphrase"]!.GetValue<string>().Should().NotBe(created["srt"]!["passphrase"]!.GetValue<string>());
        rotated.AsObject().Should().ContainKey("keysRotatedAt");
    }

    [Fact]
    public async Task Authentication_missing_token_is_401_and_a_wrong_token_or_account_403_with_code_10000()
    {
        (await _t.Anonymous.GetJsonAsync(new Uri(_t.CloudflareUrl, Inputs).ToString())).Failure(401).Should().Equal(10000);

        using var wrong = new HttpClient { BaseAddress = _t.CloudflareUrl };
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");
        (await wrong.GetJsonAsync(Inputs)).Failure(403).Should().Equal(10000);

        (await _t.Cloudflare.GetJsonAsync("/client/v4/accounts/00000000000000000000000000000000/stream/live_inputs")).Failure(403).Should().Equal(10000);
    }

    [Fact]
    public async Task Unknown_ids_are_404_malformed_ids_7003_and_unknown_routes_7000()
    {
        (await _t.Cloudflare.GetJsonAsync($"{Inputs}/{new string('a', 32)}")).Failure(404).Should().Equal(10003);
        (await _t.Cloudflare.GetJsonAsync($"{Inputs}/not-an-id")).Failure(400).Should().Equal(7003, 7000);
        (await _t.Cloudflare.GetJsonAsync("/client/v4/accounts/x/nothing")).Failure(404).Should().Equal(7000);
    }

    [Fact]
    public async Task Outputs_can_be_created_listed_toggled_and_deleted()
    {
        var uid = (await _t.Cloudflare.PostJsonAsync(Inputs, new { })).Result(201)["uid"]!.GetValue<string>();
        var outputs = $"{Inputs}/{uid}/outputs";

        var output = (await _t.Cloudflare.PostJsonAsync(outputs, new { url = "rtmp://a.rtmp.youtube.com/live2", streamKey = "abc-123" })).Result(201);
        output.AsObject().Select(p => p.Key).Should().BeEquivalentTo(["uid", "url", "streamKey", "enabled"]);
        output["enabled"]!.GetValue<bool>().Should().BeTrue();
        var outputUid = output["uid"]!.GetValue<string>();

        (await _t.Cloudflare.GetJsonAsync(outputs)).Result().AsArray().Should().ContainSingle();
        (await _t.Cloudflare.SendAsync(HttpMethod.Put, $"{outputs}/{outputUid}", new { enabled = false })).Result()["enabled"]!.GetValue<bool>().Should().BeFalse();
        (await _t.Cloudflare.SendAsync(HttpMethod.Put, $"{outputs}/{outputUid}", new { })).Failure(400);
        (await _t.Cloudflare.PostJsonAsync(outputs, new { url = "http://example.com", streamKey = "k" })).Failure(400);
        (await _t.Cloudflare.PostJsonAsync(outputs, new { url = "rtmp://example.com/live" })).Failure(400);
        (await _t.Cloudflare.SendAsync(HttpMethod.Delete, $"{outputs}/{outputUid}")).Result();
        (await _t.Cloudflare.GetJsonAsync(outputs)).Result().AsArray().Should().BeEmpty();
        (await _t.Cloudflare.SendAsync(HttpMethod.Delete, $"{outputs}/{outputUid}")).Failure(404);
    }

    [Fact]
    public async Task The_video_webhook_is_registered_returned_with_its_secret_and_deleted()
    {
        (await _t.Cloudflare.SendAsync(HttpMethod.Put, _t.StreamPath + "/webhook", new { notificationUrl = "ftp://x" })).Failure(400);

        var webhook = (await _t.Cloudflare.SendAsync(HttpMethod.Put, _t.StreamPath + "/webhook", new { notificationUrl = _t.Webhooks.Url + "/api/webhooks/cloudflare" })).Result();
        webhook["notificationUrl"]!.GetValue<string>().Should().Be(_t.Webhooks.Url + "/api/webhooks/cloudflare");
        webhook["notification_url"]!.GetValue<string>().Should().Be(_t.Webhooks.Url + "/api/webhooks/cloudflare");
        webhook["secret"]!.GetValue<string>().Should().Be(_t.Providers.CloudflareWebhookSecret);

        (await _t.Cloudflare.GetJsonAsync(_t.StreamPath + "/webhook")).Result()["secret"]!.GetValue<string>().Should().Be(_t.Providers.CloudflareWebhookSecret);
    }

    [Fact]
    public async Task Videos_are_found_by_live_input_and_the_manifest_of_an_idle_input_is_204()
    {
        var uid = (await _t.Cloudflare.PostJsonAsync(Inputs, new { recording = new { mode = "automatic" } })).Result(201)["uid"]!.GetValue<string>();

        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}?live_input_id={uid}")).Result().AsArray().Should().BeEmpty();
        (await _t.Cloudflare.GetJsonAsync($"{Inputs}/{uid}/videos")).Result().AsArray().Should().BeEmpty();
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}?live_input_id=zz")).Failure(400);
        (await _t.Cloudflare.GetJsonAsync($"{_t.StreamPath}/{new string('b', 32)}")).Failure(404);

        using var manifest = await _t.Anonymous.GetAsync(_t.CloudflareUrl, $"/{uid}/manifest/video.m3u8");
        ((int)manifest.StatusCode).Should().Be(204);
        manifest.Headers.GetValues("Access-Control-Allow-Origin").Should().Equal("*");
        (await _t.Anonymous.GetStringAsync(new Uri(_t.CloudflareUrl, $"/{uid}/lifecycle"), TestContext.Current.CancellationToken)).Should().Be("""{"isInput":true,"videoUID":null,"live":false}""");
        (await _t.Anonymous.GetStringAsync(new Uri(_t.CloudflareUrl, $"/{uid}/views"), TestContext.Current.CancellationToken)).Should().Be("""{"liveViewers":0}""");
        ((int)(await _t.Anonymous.GetAsync(_t.CloudflareUrl, $"/{new string('c', 32)}/manifest/video.m3u8")).StatusCode).Should().Be(404);
    }
}
