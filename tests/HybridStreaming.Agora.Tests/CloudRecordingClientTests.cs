using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Xunit;

namespace HybridStreaming.Agora.Tests;

public sealed class CloudRecordingClientTests
{
    private const string Prefix = "/v1/apps/" + Agora.AppId + "/cloud_recording";
    private readonly StubHttpHandler stub = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Acquire_posts_cname_uid_and_client_request_with_basic_auth()
    {
        stub.Respond(HttpStatusCode.OK, """{"cname":"shop_123","uid":"527841","resourceId":"RID-1"}""");
        using var host = Agora.Host(stub);

        var response = await host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct);

        response.ResourceId.Should().Be("RID-1");
        var request = stub.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be(HttpMethod.Post);
        request.Uri.Should().Be(new Uri($"{Agora.BaseUrl}{Prefix}/acquire"));
        request.Header("Authorization").Should().Be($"Basic {Agora.BasicCredentials}");
        request.ContentType.Should().StartWith("application/json");
        request.Header("X-Request-ID").Should().NotBeNullOrEmpty();
        JsonDocument.Parse(request.Body!).RootElement.GetRawText().Should().Be(
            """{"cname":"shop_123","uid":"527841","clientRequest":{"scene":0,"resourceExpiredHour":24}}""");
    }

    [Fact]
    public async Task Start_sends_the_recorder_token_recording_file_and_storage_config_in_mix_mode()
    {
        stub.Respond(HttpStatusCode.OK, """{"cname":"shop_123","uid":"527841","resourceId":"RID-1","sid":"SID-1"}""");
        using var host = Agora.Host(stub);

        var response = await host.Get<CloudRecordingClient>().StartAsync("RID-1", "shop_123", 527841, cancellationToken: Ct);

        response.Sid.Should().Be("SID-1");
        var request = stub.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be(HttpMethod.Post);
        request.PathAndQuery.Should().Be($"{Prefix}/resourceid/RID-1/mode/mix/start");
        var body = JsonDocument.Parse(request.Body!).RootElement;
        body.GetProperty("cname").GetString().Should().Be("shop_123");
        body.GetProperty("uid").GetString().Should().Be("527841");
        var client = body.GetProperty("clientRequest");
        client.GetProperty("token").GetString().Should().StartWith("007eJ");
        var recording = client.GetProperty("recordingConfig");
        recording.GetProperty("channelType").GetInt32().Should().Be(1);
        recording.GetProperty("streamTypes").GetInt32().Should().Be(2);
        recording.GetProperty("maxIdleTime").GetInt32().Should().Be(30);
        recording.GetProperty("subscribeAudioUids")[0].GetString().Should().Be("#allstream#");
        recording.GetProperty("subscribeVideoUids")[0].GetString().Should().Be("#allstream#");
        recording.GetProperty("audioProfile").GetInt32().Should().Be(0);
        var transcoding = recording.GetProperty("transcodingConfig");
        (transcoding.GetProperty("width").GetInt32(), transcoding.GetProperty("height").GetInt32(), transcoding.GetProperty("fps").GetInt32(),
            transcoding.GetProperty("bitrate").GetInt32(), transcoding.GetProperty("mixedVideoLayout").GetInt32())
            .Should().Be((720, 1280, 15, 1500, 1));
        client.GetProperty("recordingFileConfig").GetProperty("avFileType").EnumerateArray().Select(e => e.GetString())
            .Should().Equal("hls", "mp4");
        var storage = client.GetProperty("storageConfig");
        storage.GetProperty("vendor").GetInt32().Should().Be(1);
        storage.GetProperty("region").GetInt32().Should().Be(0);
        storage.GetProperty("bucket").GetString().Should().Be("recordings");
        storage.GetProperty("accessKey").GetString().Should().Be(Agora.StorageAccessKey);
        storage.GetProperty("secretKey").GetString().Should().Be(Agora.StorageSecretKey);
        storage.TryGetProperty("fileNamePrefix", out _).Should().BeFalse("nulls are not sent");
    }

    [Fact]
    public async Task Start_in_individual_mode_records_hls_without_transcoding()
    {
        stub.Respond(HttpStatusCode.OK, """{"resourceId":"RID-1","sid":"SID-1"}""");
        using var host = Agora.Host(stub, values => values["AGORA_RECORDING_MODE"] = "individual");
        var recorder = host.Get<CloudRecordingClient>();

        await recorder.StartAsync("RID-1", "shop_123", 527841,
            recorder.CreateStartClientRequest("shop_123", 527841, ["shop", "2026"]), cancellationToken: Ct);

        var request = stub.Requests.Single();
        request.PathAndQuery.Should().EndWith("/mode/individual/start");
        var client = JsonDocument.Parse(request.Body!).RootElement.GetProperty("clientRequest");
        client.GetProperty("recordingConfig").TryGetProperty("transcodingConfig", out _).Should().BeFalse();
        client.GetProperty("recordingFileConfig").GetProperty("avFileType").EnumerateArray().Select(e => e.GetString()).Should().Equal("hls");
        client.GetProperty("storageConfig").GetProperty("fileNamePrefix").EnumerateArray().Select(e => e.GetString()).Should().Equal("shop", "2026");
    }

    [Fact]
    public async Task Query_reads_the_status_and_a_json_file_list()
    {
        stub.Respond(HttpStatusCode.OK, """
            {"cname":"shop_123","uid":"527841","resourceId":"RID-1","sid":"SID-1","serverResponse":{"status":5,"fileListMode":"json",
             "fileList":[{"fileName":"SID-1_shop_123.m3u8","trackType":"audio_and_video","uid":"0","mixedAllUser":true,"isPlayable":true,"sliceStartTime":1619170461821}],
             "sliceStartTime":1619170461821}}
            """);
        using var host = Agora.Host(stub);

        var status = await host.Get<CloudRecordingClient>().QueryAsync("RID-1", "SID-1", cancellationToken: Ct);

        stub.Requests.Single().Method.Should().Be(HttpMethod.Get);
        stub.Requests.Single().PathAndQuery.Should().Be($"{Prefix}/resourceid/RID-1/sid/SID-1/mode/mix/query");
        status.ServerResponse!.Status.Should().Be(CloudRecordingState.InProgress);
        status.ServerResponse.Files.Should().ContainSingle().Which.Should().BeEquivalentTo(new RecordingFileInfo
        {
            FileName = "SID-1_shop_123.m3u8", TrackType = "audio_and_video", Uid = "0", MixedAllUser = true, IsPlayable = true, SliceStartTime = 1619170461821,
        });
    }

    [Fact]
    public async Task Query_reads_a_string_file_list()
    {
        stub.Respond(HttpStatusCode.OK, """{"resourceId":"RID-1","sid":"SID-1","serverResponse":{"status":4,"fileListMode":"string","fileList":"SID-1_shop_123.m3u8","sliceStartTime":0}}""");
        using var host = Agora.Host(stub);

        var status = await host.Get<CloudRecordingClient>().QueryAsync("RID-1", "SID-1", cancellationToken: Ct);

        status.ServerResponse!.Files.Select(f => f.FileName).Should().Equal("SID-1_shop_123.m3u8");
    }

    [Fact]
    public async Task Stop_sends_async_stop_and_reads_the_upload_status()
    {
        stub.Respond(HttpStatusCode.OK, """{"resourceId":"RID-1","sid":"SID-1","serverResponse":{"fileListMode":"string","fileList":"SID-1_shop_123.m3u8","uploadingStatus":"uploaded"}}""");
        using var host = Agora.Host(stub);

        var status = await host.Get<CloudRecordingClient>().StopAsync("RID-1", "SID-1", "shop_123", 527841, cancellationToken: Ct);

        status.ServerResponse!.UploadingStatus.Should().Be("uploaded");
        var request = stub.Requests.Single();
        request.Method.Should().Be(HttpMethod.Post);
        request.PathAndQuery.Should().Be($"{Prefix}/resourceid/RID-1/sid/SID-1/mode/mix/stop");
        JsonDocument.Parse(request.Body!).RootElement.GetRawText().Should().Be(
            """{"cname":"shop_123","uid":"527841","clientRequest":{"async_stop":false}}""");
    }

    [Fact]
    public async Task A_synchronous_stop_may_take_longer_than_the_attempt_timeout_of_other_calls()
    {
        using var host = Agora.Host(stub, values =>
        {
            values["AGORA_HTTP:AttemptTimeout"] = "00:00:00.100";
            values["AGORA_HTTP:MaxRetryAttempts"] = "0";
        });
        var recorder = host.Get<CloudRecordingClient>();
        stub.RespondAfter(TimeSpan.FromMilliseconds(400), HttpStatusCode.OK, """{"resourceId":"RID-1","sid":"SID-1","serverResponse":{"uploadingStatus":"uploaded"}}""");

        var stopped = await recorder.StopAsync("RID-1", "SID-1", "shop_123", 527841, cancellationToken: Ct);
        var query = () => recorder.QueryAsync("RID-1", "SID-1", cancellationToken: Ct);

        stopped.ServerResponse!.UploadingStatus.Should().Be("uploaded");
        var timedOut = (await query.Should().ThrowAsync<AgoraApiException>()).Which;
        timedOut.IsTransportFailure.Should().BeTrue();
        timedOut.IsRetryable.Should().BeTrue();
        timedOut.Message.Should().Be("Agora cloud-recording.query timed out.");
    }

    [Fact]
    public async Task Acquire_retries_code_65_and_succeeds()
    {
        stub.Respond(HttpStatusCode.PartialContent, """{"code":65,"reason":"request not completed"}""")
            .Respond(HttpStatusCode.OK, """{"resourceId":"RID-2"}""");
        using var host = Agora.Host(stub);

        var response = await host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct);

        response.ResourceId.Should().Be("RID-2");
        stub.Requests.Should().HaveCount(2);
        stub.Requests[1].Body.Should().Be(stub.Requests[0].Body, "Agora: retry with the same parameters");
        stub.Requests[1].Header("X-Request-ID").Should().Be(stub.Requests[0].Header("X-Request-ID"));
    }

    [Fact]
    public async Task Start_retries_code_62_on_504_and_succeeds()
    {
        stub.Respond(HttpStatusCode.GatewayTimeout, """{"code":62,"reason":"request timeout"}""")
            .Respond(HttpStatusCode.OK, """{"resourceId":"RID-1","sid":"SID-9"}""");
        using var host = Agora.Host(stub);

        var response = await host.Get<CloudRecordingClient>().StartAsync("RID-1", "shop_123", 527841, cancellationToken: Ct);

        response.Sid.Should().Be("SID-9");
        stub.Requests.Should().HaveCount(2);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Server_errors_are_retried(HttpStatusCode status)
    {
        stub.Respond(status, """{"code":502,"reason":"Failed to allocate worker"}""").Respond(HttpStatusCode.OK, """{"resourceId":"RID-3"}""");
        using var host = Agora.Host(stub);

        (await host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct)).ResourceId.Should().Be("RID-3");
        stub.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Rate_limited_calls_are_retried_after_the_retry_after_delay()
    {
        stub.Respond(HttpStatusCode.TooManyRequests, """{"message":"API rate limit exceeded"}""", r => r.Headers.Add("Retry-After", "1"))
            .Respond(HttpStatusCode.OK, """{"resourceId":"RID-4"}""");
        using var host = Agora.Host(stub);
        var started = TimeProvider.System.GetTimestamp();

        (await host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct)).ResourceId.Should().Be("RID-4");

        TimeProvider.System.GetElapsedTime(started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
        stub.Requests.Should().HaveCount(2);
        host.Logs.GetSnapshot().Should().Contain(r => r.Id.Id == 9100 && r.Message.Contains("in 1000 ms", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_limit_is_not_waited_for()
    {
        stub.Respond(HttpStatusCode.TooManyRequests, """{"message":"API rate limit exceeded"}""", r => r.Headers.Add("Retry-After", "300"));
        using var host = Agora.Host(stub);

        var act = () => host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        failure.StatusCode.Should().Be(429);
        failure.IsRetryable.Should().BeTrue();
        failure.RetryAfter.Should().Be(TimeSpan.FromSeconds(300));
        stub.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"code":2,"reason":"invalid parameter"}""", 2, "invalid parameter")]
    [InlineData(HttpStatusCode.Unauthorized, """{"message":"Invalid authentication credentials"}""", null, "Invalid authentication credentials")]
    [InlineData(HttpStatusCode.Forbidden, """{"message":"Forbidden"}""", null, "Forbidden")]
    [InlineData(HttpStatusCode.NotFound, """{"code":404,"reason":"failed to find worker"}""", 404, "failed to find worker")]
    [InlineData(HttpStatusCode.Conflict, """{"message":"conflict"}""", null, "conflict")]
    public async Task Client_errors_are_never_retried_and_carry_status_code_and_reason(HttpStatusCode status, string body, int? code, string reason)
    {
        stub.Respond(status, body);
        using var host = Agora.Host(stub);

        var act = () => host.Get<CloudRecordingClient>().QueryAsync("RID-1", "SID-1", cancellationToken: Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        failure.StatusCode.Should().Be((int)status);
        failure.Code.Should().Be(code);
        failure.Reason.Should().Be(reason);
        failure.IsRetryable.Should().BeFalse();
        failure.IsCircuitOpen.Should().BeFalse();
        failure.IsNotFound.Should().Be(status == HttpStatusCode.NotFound);
        failure.RequestId.Should().Be(stub.Requests.Single().Header("X-Request-ID"));
        failure.Message.Should().Contain(reason);
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Stop_with_no_recorded_data_is_an_error_with_code_435_and_is_not_retried()
    {
        stub.Respond(HttpStatusCode.PartialContent, """{"code":435,"reason":"no recorded data"}""");
        using var host = Agora.Host(stub);

        var act = () => host.Get<CloudRecordingClient>().StopAsync("RID-1", "SID-1", "shop_123", 527841, cancellationToken: Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        (failure.StatusCode, failure.Code, failure.IsRetryable).Should().Be((206, AgoraErrorCodes.NoRecordedData, false));
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task A_duplicate_start_answering_201_code_7_is_an_already_started_error()
    {
        stub.Respond(HttpStatusCode.Created, """{"code":7,"reason":"already started"}""");
        using var host = Agora.Host(stub);

        var act = () => host.Get<CloudRecordingClient>().StartAsync("RID-1", "shop_123", 527841, cancellationToken: Ct);

        (await act.Should().ThrowAsync<AgoraApiException>()).Which.Code.Should().Be(AgoraErrorCodes.AlreadyStarted);
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Persisting_server_errors_end_as_a_retryable_error_after_every_retry()
    {
        stub.Respond(HttpStatusCode.InternalServerError, """{"code":500,"reason":"internal_error"}""");
        using var host = Agora.Host(stub);

        var act = () => host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        (failure.StatusCode, failure.Code, failure.IsRetryable).Should().Be((500, 500, true));
        stub.Requests.Should().HaveCount(4, "the first attempt and three retries — the standard handler of AddServiceDefaults is replaced, not stacked");
    }

    [Fact]
    public async Task Transport_failures_are_retried_then_surface_as_retryable_without_status()
    {
        stub.Throw(new HttpRequestException("connection refused", null, HttpStatusCode.ServiceUnavailable));
        using var host = Agora.Host(stub, values => values["AGORA_HTTP:MaxRetryAttempts"] = "2");

        var act = () => host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        failure.StatusCode.Should().BeNull();
        failure.IsTransportFailure.Should().BeTrue();
        failure.IsRetryable.Should().BeTrue();
        failure.InnerException.Should().BeOfType<HttpRequestException>();
        stub.Requests.Should().HaveCount(3);
    }

    [Fact]
    public async Task An_unreadable_success_body_is_a_clear_error()
    {
        stub.Respond(HttpStatusCode.OK, "<html>proxy</html>");
        using var host = Agora.Host(stub);

        var act = () => host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct);

        (await act.Should().ThrowAsync<AgoraApiException>()).WithMessage("Agora cloud-recording.acquire returned HTTP 200 with a body this client cannot read*");
    }

    [Fact]
    public async Task Bad_arguments_fail_before_anything_is_sent()
    {
        using var host = Agora.Host(stub);
        var recorder = host.Get<CloudRecordingClient>();

        await FluentActions.Awaiting(() => recorder.AcquireAsync("shop_123", 0, cancellationToken: Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => recorder.AcquireAsync("", 1, cancellationToken: Ct)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => recorder.QueryAsync("RID", "SID", "raw", Ct)).Should().ThrowAsync<ArgumentException>().WithMessage("mode must be one of*");
        FluentActions.Invoking(() => recorder.CreateStartClientRequest("shop_123", 1, ["no/slash"])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => recorder.CreateStartClientRequest("shop_123", 1, mode: "web")).Should().Throw<ArgumentException>()
            .WithMessage("Web-page recording needs an explicit clientRequest*");
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public void Start_requests_print_without_token_or_storage_keys()
    {
        using var host = Agora.Host(stub);

        var text = new StartRequest("shop_123", "527841", host.Get<CloudRecordingClient>().CreateStartClientRequest("shop_123", 527841)).ToString();

        text.Should().Contain("Bucket = recordings").And.Contain("Token = ***")
            .And.NotContain(Agora.StorageAccessKey).And.NotContain(Agora.StorageSecretKey).And.NotContain("007eJ");
    }
}
