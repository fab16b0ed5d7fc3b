using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Xunit;
using static HybridStreaming.Cloudflare.Tests.Cloudflare;

namespace HybridStreaming.Cloudflare.Tests;

public sealed class CloudflareStreamClientTests
{
    private const string InputUid = "66be4bf738797e01e1fca35a7bdecdcd";
    private readonly StubHttpHandler stub = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_live_input_posts_the_settings_with_a_bearer_token_and_unwraps_the_result()
    {
        stub.Respond(HttpStatusCode.OK, Envelope(LiveInputJson));
        using var host = Host(stub);

        var input = await host.Get<CloudflareStreamClient>().CreateLiveInputAsync(new LiveInputRequest
        {
            Meta = new Dictionary<string, string> { ["name"] = "shop 1", ["sessionId"] = "s-1" },
            Enabled = true,
            DeleteRecordingAfterDays = 45,
            PreferLowLatency = false,
            Recording = new LiveInputRecording { Mode = "automatic", TimeoutSeconds = 10 },
        }, Ct);

        var request = stub.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be(HttpMethod.Post);
        request.Uri.Should().Be(new Uri($"http://127.0.0.1:8092{Prefix}/live_inputs"));
        request.Header("Authorization").Should().Be($"Bearer {ApiToken}");
        request.ContentType.Should().StartWith("application/json");
        JsonDocument.Parse(request.Body!).RootElement.GetRawText().Should().Be(
            """{"meta":{"name":"shop 1","sessionId":"s-1"},"enabled":true,"deleteRecordingAfterDays":45,"preferLowLatency":false,"recording":{"mode":"automatic","timeoutSeconds":10}}""");

        input.Uid.Should().Be(InputUid);
        input.Name.Should().Be("shop 1");
        input.Enabled.Should().BeTrue();
        input.Recording!.Mode.Should().Be("automatic");
        input.State.Should().BeNull("status null: never connected");
        input.Rtmps!.Url.Should().Be("rtmp://127.0.0.1:1935/live/", "the URL is used as returned, scheme included");
        input.Rtmps.StreamKey.Should().Be("STREAM-KEY-do-not-log");
        input.Rtmps.PushUrl.Should().Be("rtmp://127.0.0.1:1935/live/STREAM-KEY-do-not-log");
        input.Srt!.Passphrase.Should().Be("SRT-PASSPHRASE");
        input.WebRtcPlayback!.Url.Should().EndWith("/webRTC/play");
        input.Created.Should().Be(DateTimeOffset.Parse("2014-01-02T02:20:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Get_live_input_reads_a_string_status()
    {
        stub.Respond(HttpStatusCode.OK, Envelope(LiveInputJson.Replace("\"status\":null", "\"status\":\"connected\"", StringComparison.Ordinal)));
        using var host = Host(stub);

        var input = await host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct);

        stub.Requests.Single().Method.Should().Be(HttpMethod.Get);
        stub.Requests.Single().PathAndQuery.Should().Be($"{Prefix}/live_inputs/{InputUid}");
        (input.State, input.IsConnected).Should().Be(("connected", true));
    }

    [Fact]
    public async Task Get_live_input_also_reads_a_status_object()
    {
        stub.Respond(HttpStatusCode.OK, Envelope("""{"uid":"abc","status":{"current":{"state":"reconnecting","reason":"x"},"history":[]}}"""));
        using var host = Host(stub);

        var input = await host.Get<CloudflareStreamClient>().GetLiveInputAsync("abc", Ct);

        (input.State, input.IsConnected).Should().Be(("reconnecting", false));
    }

    [Fact]
    public async Task List_live_inputs_reads_the_result_object_not_an_array()
    {
        stub.Respond(HttpStatusCode.OK, Envelope("""{"liveInputs":[{"uid":"a1","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","meta":{"name":"x"},"deleteRecordingAfterDays":30,"enabled":true}],"range":1000,"total":35586}"""));
        using var host = Host(stub);

        var list = await host.Get<CloudflareStreamClient>().ListLiveInputsAsync(includeCounts: true, Ct);

        stub.Requests.Single().PathAndQuery.Should().Be($"{Prefix}/live_inputs?include_counts=true");
        list.Range.Should().Be(1000);
        list.Total.Should().Be(35586);
        list.LiveInputs.Should().ContainSingle().Which.Should().Match<LiveInput>(i => i.Uid == "a1" && i.Name == "x" && i.DeleteRecordingAfterDays == 30);
    }

    [Fact]
    public async Task Update_puts_the_settings_delete_enable_and_disable_use_their_paths()
    {
        stub.Respond(HttpStatusCode.OK, Envelope(LiveInputJson)).Respond(HttpStatusCode.OK, Envelope("{}"))
            .Respond(HttpStatusCode.OK, Envelope(LiveInputJson)).Respond(HttpStatusCode.OK, Envelope(LiveInputJson))
            .Respond(HttpStatusCode.OK, Envelope("{}"));
        using var host = Host(stub);
        var client = host.Get<CloudflareStreamClient>();

        await client.UpdateLiveInputAsync(InputUid, new LiveInputRequest { Enabled = false }, Ct);
        await client.DisableLiveInputAsync(InputUid, Ct);
        await client.EnableLiveInputAsync(InputUid, Ct);
        await client.GetLiveInputAsync(InputUid, Ct);
        await client.DeleteLiveInputAsync(InputUid, Ct);

        stub.Requests.Select(r => $"{r.Method} {r.PathAndQuery}").Should().Equal(
            $"PUT {Prefix}/live_inputs/{InputUid}",
            $"POST {Prefix}/live_inputs/{InputUid}/disable",
            $"POST {Prefix}/live_inputs/{InputUid}/enable",
            $"GET {Prefix}/live_inputs/{InputUid}",
            $"DELETE {Prefix}/live_inputs/{InputUid}");
        stub.Requests[0].Body.Should().Be("""{"enabled":false}""");
    }

    [Fact]
    public async Task Outputs_are_created_listed_updated_and_deleted()
    {
        const string output = """{"uid":"baea4d9c515887b80289d5c33cf01145","url":"rtmp://a.rtmp.youtube.com/live2","streamKey":"OUTPUT-KEY","enabled":true}""";
        stub.Respond(HttpStatusCode.OK, Envelope(output)).Respond(HttpStatusCode.OK, Envelope($"[{output}]"))
            .Respond(HttpStatusCode.OK, Envelope(output.Replace("true", "false", StringComparison.Ordinal))).Respond(HttpStatusCode.OK, Envelope("{}"));
        using var host = Host(stub);
        var client = host.Get<CloudflareStreamClient>();

        var created = await client.CreateOutputAsync(InputUid, new LiveInputOutputRequest("rtmp://a.rtmp.youtube.com/live2", "OUTPUT-KEY", true), Ct);
        var listed = await client.ListOutputsAsync(InputUid, Ct);
        var updated = await client.UpdateOutputAsync(InputUid, created.Uid, enabled: false, Ct);
        await client.DeleteOutputAsync(InputUid, created.Uid, Ct);

        created.Should().Be(new LiveInputOutput("baea4d9c515887b80289d5c33cf01145", "rtmp://a.rtmp.youtube.com/live2", "OUTPUT-KEY", true));
        listed.Should().ContainSingle();
        updated.Enabled.Should().BeFalse();
        stub.Requests.Select(r => $"{r.Method} {r.PathAndQuery} {r.Body}").Should().Equal(
            $"POST {Prefix}/live_inputs/{InputUid}/outputs " + """{"url":"rtmp://a.rtmp.youtube.com/live2","streamKey":"OUTPUT-KEY","enabled":true}""",
            $"GET {Prefix}/live_inputs/{InputUid}/outputs ",
            $"PUT {Prefix}/live_inputs/{InputUid}/outputs/{created.Uid} " + """{"enabled":false}""",
            $"DELETE {Prefix}/live_inputs/{InputUid}/outputs/{created.Uid} ");
    }

    [Fact]
    public async Task Videos_of_a_live_input_are_found_both_ways_and_a_video_by_uid()
    {
        const string video = """{"uid":"v1","liveInput":"66be4bf738797e01e1fca35a7bdecdcd","status":{"state":"live-inprogress","pctComplete":"100.000000","errorReasonCode":"","errorReasonText":""},"readyToStream":true,"playback":{"hls":"https://x/v1/manifest/video.m3u8","dash":"https://x/v1/manifest/video.mpd"},"duration":-1,"meta":{}}""";
        stub.Respond(HttpStatusCode.OK, Envelope($"[{video}]")).Respond(HttpStatusCode.OK, Envelope($"[{video}]")).Respond(HttpStatusCode.OK, Envelope(video));
        using var host = Host(stub);
        var client = host.Get<CloudflareStreamClient>();

        var byQuery = await client.ListVideosByLiveInputAsync(InputUid, Ct);
        var byInput = await client.ListLiveInputVideosAsync(InputUid, Ct);
        var single = await client.GetVideoAsync("v1", Ct);

        stub.Requests.Select(r => r.PathAndQuery).Should().Equal(
            $"{Prefix}?live_input_id={InputUid}", $"{Prefix}/live_inputs/{InputUid}/videos", $"{Prefix}/v1");
        byQuery.Should().ContainSingle().Which.IsLive.Should().BeTrue();
        byInput.Single().Playback!.Hls.Should().Be("https://x/v1/manifest/video.m3u8");
        single.LiveInput.Should().Be(InputUid);
        single.Duration.Should().Be(-1);
    }

    [Fact]
    public async Task The_stream_webhook_is_set_read_and_deleted()
    {
        const string webhook = """{"notificationUrl":"https://shop.test/api/webhooks/cloudflare","notification_url":"https://shop.test/api/webhooks/cloudflare","modified":"2026-01-01T00:00:00Z","secret":"WEBHOOK-SECRET-do-not-log"}""";
        stub.Respond(HttpStatusCode.OK, Envelope(webhook)).Respond(HttpStatusCode.OK, Envelope(webhook)).Respond(HttpStatusCode.OK, Envelope("\"ok\""));
        using var host = Host(stub);
        var client = host.Get<CloudflareStreamClient>();

        var set = await client.SetWebhookAsync("https://shop.test/api/webhooks/cloudflare", Ct);
        var read = await client.GetWebhookAsync(Ct);
        await client.DeleteWebhookAsync(Ct);

        set.Secret.Should().Be(WebhookSecret);
        read.NotificationUrl.Should().Be("https://shop.test/api/webhooks/cloudflare");
        set.ToString().Should().NotContain(WebhookSecret);
        stub.Requests.Select(r => $"{r.Method} {r.PathAndQuery} {r.Body}").Should().Equal(
            $"PUT {Prefix}/webhook " + """{"notificationUrl":"https://shop.test/api/webhooks/cloudflare"}""",
            $"GET {Prefix}/webhook ",
            $"DELETE {Prefix}/webhook ");
    }

    [Fact]
    public void Hls_playback_url_is_the_manifest_under_the_playback_base()
    {
        using var host = Host(stub, values => values["CLOUDFLARE_STREAM_PLAYBACK_BASE_URL"] = "https://customer-abc.cloudflarestream.com/");

        host.Get<CloudflareStreamClient>().HlsPlaybackUrl(InputUid).Should().Be(
            new Uri($"https://customer-abc.cloudflarestream.com/{InputUid}/manifest/video.m3u8"));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, 10005, "Invalid input")]
    [InlineData(HttpStatusCode.Unauthorized, 10000, "Authentication error")]
    [InlineData(HttpStatusCode.Forbidden, 10000, "Authentication error")]
    [InlineData(HttpStatusCode.NotFound, 7003, "Could not route to /accounts/x/stream/live_inputs/y, perhaps your object identifier is invalid?")]
    [InlineData(HttpStatusCode.Conflict, 10006, "Conflict")]
    public async Task Envelope_errors_carry_status_and_items_and_are_never_retried(HttpStatusCode status, int code, string message)
    {
        stub.Respond(status, $$"""{"result":null,"success":false,"errors":[{"code":{{code}},"message":"{{message}}"}],"messages":[]}""",
            response => response.Headers.Add("cf-ray", "8c0ffee-AMS"));
        using var host = Host(stub);

        var act = () => host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct);

        var failure = (await act.Should().ThrowAsync<CloudflareApiException>()).Which;
        failure.StatusCode.Should().Be((int)status);
        failure.Errors.Should().Equal(new CloudflareError(code, message));
        failure.IsRetryable.Should().BeFalse();
        failure.IsNotFound.Should().Be(status == HttpStatusCode.NotFound);
        failure.IsConflict.Should().Be(status == HttpStatusCode.Conflict);
        failure.RayId.Should().Be("8c0ffee-AMS");
        failure.Message.Should().Be($"Cloudflare live-inputs.get failed: HTTP {(int)status}: {code} {message}.");
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task A_success_status_with_success_false_is_an_error()
    {
        stub.Respond(HttpStatusCode.OK, """{"result":null,"success":false,"errors":[{"code":1000,"message":"nope"}],"messages":[]}""");
        using var host = Host(stub);

        var act = () => host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct);

        (await act.Should().ThrowAsync<CloudflareApiException>()).Which.Errors.Single().Code.Should().Be(1000);
    }

    [Fact]
    public async Task A_body_without_the_envelope_is_a_clear_error()
    {
        stub.Respond(HttpStatusCode.OK, LiveInputJson);
        using var host = Host(stub);

        var act = () => host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct);

        (await act.Should().ThrowAsync<CloudflareApiException>()).WithMessage("*cannot read: result is missing or null*");
    }

    [Fact]
    public async Task Reads_are_retried_on_server_errors()
    {
        stub.Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>").Respond(HttpStatusCode.OK, Envelope(LiveInputJson));
        using var host = Host(stub);

        (await host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct)).Uid.Should().Be(InputUid);
        stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Rate_limited_calls_are_retried_after_the_retry_after_delay()
    {
        stub.Respond(HttpStatusCode.TooManyRequests, """{"result":null,"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[]}""",
                response => response.Headers.Add("retry-after", "1"))
            .Respond(HttpStatusCode.OK, Envelope(LiveInputJson));
        using var host = Host(stub);
        var started = TimeProvider.System.GetTimestamp();

        (await host.Get<CloudflareStreamClient>().CreateLiveInputAsync(new LiveInputRequest(), Ct)).Uid.Should().Be(InputUid);

        TimeProvider.System.GetElapsedTime(started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
        stub.Requests.Should().HaveCount(2, "a 429 was not processed, so even a create is retried");
    }

    [Fact]
    public async Task A_rate_limit_block_longer_than_the_limit_reaches_the_caller_at_once()
    {
        stub.Respond(HttpStatusCode.TooManyRequests, """{"result":null,"success":false,"errors":[{"code":971,"message":"throttled"}],"messages":[]}""",
            response => response.Headers.Add("retry-after", "300"));
        using var host = Host(stub);

        var act = () => host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct);

        var failure = (await act.Should().ThrowAsync<CloudflareApiException>()).Which;
        (failure.StatusCode, failure.IsRetryable, failure.RetryAfter).Should().Be((429, true, TimeSpan.FromMinutes(5)));
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Creating_a_live_input_is_not_retried_after_a_server_error_because_it_might_exist()
    {
        stub.Respond(HttpStatusCode.InternalServerError, """{"result":null,"success":false,"errors":[{"code":10002,"message":"internal"}],"messages":[]}""");
        using var host = Host(stub);

        var act = () => host.Get<CloudflareStreamClient>().CreateLiveInputAsync(new LiveInputRequest(), Ct);

        (await act.Should().ThrowAsync<CloudflareApiException>()).Which.IsRetryable.Should().BeTrue("the caller may decide to try again");
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Creating_a_live_input_is_retried_when_the_connection_was_never_made()
    {
        stub.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "connection refused")).Respond(HttpStatusCode.OK, Envelope(LiveInputJson));
        using var host = Host(stub);

        (await host.Get<CloudflareStreamClient>().CreateLiveInputAsync(new LiveInputRequest(), Ct)).Uid.Should().Be(InputUid);
        stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Creating_a_live_input_is_not_retried_after_a_timeout()
    {
        stub.RespondAfter(TimeSpan.FromMilliseconds(500), HttpStatusCode.OK, Envelope(LiveInputJson));
        using var host = Host(stub, values => values["CLOUDFLARE_HTTP:AttemptTimeout"] = "00:00:00.100");

        var act = () => host.Get<CloudflareStreamClient>().CreateLiveInputAsync(new LiveInputRequest(), Ct);

        var failure = (await act.Should().ThrowAsync<CloudflareApiException>()).Which;
        (failure.StatusCode, failure.IsTransportFailure, failure.IsRetryable).Should().Be((null, true, true));
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Idempotent_calls_are_retried_after_timeouts_and_transport_errors()
    {
        stub.RespondAfter(TimeSpan.FromMilliseconds(500), HttpStatusCode.OK, Envelope(LiveInputJson))
            .Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "response ended"))
            .Respond(HttpStatusCode.OK, Envelope(LiveInputJson));
        using var host = Host(stub, values => values["CLOUDFLARE_HTTP:AttemptTimeout"] = "00:00:00.100");

        (await host.Get<CloudflareStreamClient>().GetLiveInputAsync(InputUid, Ct)).Uid.Should().Be(InputUid);
        stub.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_then_fails_fast()
    {
        stub.Respond(HttpStatusCode.ServiceUnavailable, """{"result":null,"success":false,"errors":[],"messages":[]}""");
        using var host = Host(stub, values =>
        {
            values["CLOUDFLARE_HTTP:MaxRetryAttempts"] = "0";
            values["CLOUDFLARE_HTTP:BreakerMinimumThroughput"] = "2";
            values["CLOUDFLARE_HTTP:BreakerBreakDuration"] = "00:00:30";
        });
        var client = host.Get<CloudflareStreamClient>();
        for (var i = 0; i < 2; i++)
        {
            await FluentActions.Awaiting(() => client.GetLiveInputAsync(InputUid, Ct)).Should().ThrowAsync<CloudflareApiException>()
                .Where(e => e.StatusCode == 503 && e.IsRetryable);
        }

        var act = () => client.CreateLiveInputAsync(new LiveInputRequest(), Ct);

        var open = (await act.Should().ThrowAsync<CloudflareCircuitOpenException>()).Which;
        (open.IsCircuitOpen, open.StatusCode, open.RetryAfter).Should().Be((true, null, TimeSpan.FromSeconds(30)));
        open.Operation.Should().Be("live-inputs.create");
        stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Bad_requests_fail_before_anything_is_sent()
    {
        using var host = Host(stub);
        var client = host.Get<CloudflareStreamClient>();

        await FluentActions.Awaiting(() => client.CreateLiveInputAsync(new LiveInputRequest { DeleteRecordingAfterDays = 7 }, Ct))
            .Should().ThrowAsync<ArgumentException>().WithMessage("DeleteRecordingAfterDays must be at least 30*");
        await FluentActions.Awaiting(() => client.CreateLiveInputAsync(new LiveInputRequest { Recording = new LiveInputRecording { Mode = "on" } }, Ct))
            .Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => client.CreateLiveInputAsync(new LiveInputRequest { PreferLowLatency = true }, Ct))
            .Should().ThrowAsync<ArgumentException>().WithMessage("PreferLowLatency needs*");
        await FluentActions.Awaiting(() => client.GetLiveInputAsync(" ", Ct)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => client.CreateOutputAsync(InputUid, new LiveInputOutputRequest("https://x", "k"), Ct)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => client.SetWebhookAsync("not a url", Ct)).Should().ThrowAsync<ArgumentException>();
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task No_secret_reaches_the_logs_even_at_trace_level()
    {
        stub.Respond(HttpStatusCode.ServiceUnavailable, "{}").Respond(HttpStatusCode.OK, Envelope(LiveInputJson))
            .Respond(HttpStatusCode.BadRequest, """{"result":null,"success":false,"errors":[{"code":10005,"message":"bad"}],"messages":[]}""");
        using var host = Host(stub);
        var client = host.Get<CloudflareStreamClient>();

        var input = await client.GetLiveInputAsync(InputUid, Ct);
        await FluentActions.Awaiting(() => client.CreateOutputAsync(InputUid, new LiveInputOutputRequest("rtmp://x/live", "OUTPUT-KEY-do-not-log"), Ct))
            .Should().ThrowAsync<CloudflareApiException>();

        var logs = host.AllLogText();
        logs.Should().Contain($"cloudflare GET {Prefix}/live_inputs/{InputUid} answered 503");
        logs.Should().Contain("Cloudflare outputs.create failed: HTTP 400: 10005 bad");
        foreach (var secret in new[] { ApiToken, "Authorization", "STREAM-KEY-do-not-log", "OUTPUT-KEY-do-not-log", "SRT-PASSPHRASE", "WEBRTC-SECRET" })
        {
            logs.Should().NotContain(secret);
        }

        input.ToString().Should().NotContain("STREAM-KEY-do-not-log").And.NotContain("SRT-PASSPHRASE").And.NotContain("WEBRTC-SECRET");
    }
}
