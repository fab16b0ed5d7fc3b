using System.Net;
using System.Text.Json;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Xunit;

namespace HybridStreaming.Agora.Tests;

public sealed class MediaPushClientTests
{
    private const string Regional = "/na/v1/projects/" + Agora.AppId + "/rtmp-converters";
    private const string RtmpUrl = "rtmp://127.0.0.1:1935/live/STREAM-KEY-do-not-log";
    private readonly StubHttpHandler stub = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MediaPushRawConverter Converter(string name = "ch_1_relay") => new(name, "ch_1", 201, RtmpUrl);

    private const string Created = """{"converter":{"id":"4c014467d647bb87b60b719f6fa57686","createTs":1591786766,"updateTs":1591786766,"state":"connecting"},"fields":"id,createTs,updateTs,state"}""";

    [Fact]
    public async Task Create_posts_a_raw_converter_for_one_uid_to_the_regional_path()
    {
        stub.Respond(HttpStatusCode.OK, Created);
        using var host = Agora.Host(stub);

        var converter = await host.Get<MediaPushClient>().CreateAsync(Converter(), cancellationToken: Ct);

        (converter.Id, converter.State, converter.CreateTs).Should().Be(("4c014467d647bb87b60b719f6fa57686", "connecting", 1591786766L));
        var request = stub.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be(HttpMethod.Post);
        request.Uri.Should().Be(new Uri(Agora.BaseUrl + Regional));
        request.Header("Authorization").Should().Be($"Basic {Agora.BasicCredentials}");
        JsonDocument.Parse(request.Body!).RootElement.GetRawText().Should().Be(
            """{"converter":{"name":"ch_1_relay","rawOptions":{"rtcChannel":"ch_1","rtcStreamUid":201},"rtmpUrl":"rtmp://127.0.0.1:1935/live/STREAM-KEY-do-not-log","idleTimeout":300}}""");
    }

    [Fact]
    public async Task Create_uses_the_configured_region_and_an_optional_region_hint()
    {
        stub.Respond(HttpStatusCode.OK, Created);
        using var host = Agora.Host(stub, values => values["AGORA_MEDIA_PUSH_REGION"] = "EU");

        await host.Get<MediaPushClient>().CreateAsync(Converter() with { IdleTimeout = TimeSpan.FromMinutes(1) }, "203.0.113.7", Ct);

        var request = stub.Requests.Single();
        request.PathAndQuery.Should().Be($"/eu/v1/projects/{Agora.AppId}/rtmp-converters?regionHintIp=203.0.113.7");
        JsonDocument.Parse(request.Body!).RootElement.GetProperty("converter").GetProperty("idleTimeout").GetInt32().Should().Be(60);
    }

    [Fact]
    public async Task A_duplicate_name_is_a_409_conflict_and_is_not_retried()
    {
        stub.Respond(HttpStatusCode.Conflict, """{"message":"Conflict: converter name already exists"}""");
        using var host = Agora.Host(stub);

        var act = () => host.Get<MediaPushClient>().CreateAsync(Converter(), cancellationToken: Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        failure.IsConflict.Should().BeTrue();
        failure.IsRetryable.Should().BeFalse();
        failure.Reason.Should().Be("Conflict: converter name already exists");
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Create_or_reuse_finds_the_existing_converter_by_name_across_pages_and_reuses_it()
    {
        stub.Respond(HttpStatusCode.Conflict, """{"message":"Conflict"}""")
            .Respond(HttpStatusCode.OK, """{"success":true,"data":{"total_count":2,"cursor":5,"members":[{"rtcChannel":"ch_1","converterName":"ch_1_other","converterId":"AAA","state":"running"}]}}""")
            .Respond(HttpStatusCode.OK, """{"success":true,"data":{"total_count":2,"cursor":0,"members":[{"rtcChannel":"ch_1","converterName":"ch_1_relay","converterId":"BBB","rtmpUrl":"rtmp://x/live/k","state":"running","create":1591786766,"updateTs":1591786767,"idleTimeout":300,"appId":"a"}]}}""")
            .Respond(HttpStatusCode.OK, """{"converter":{"id":"BBB","name":"ch_1_relay","state":"running","rawOptions":{"rtcChannel":"ch_1","rtcStreamUid":201},"rtmpUrl":"rtmp://x/live/k","idleTimeout":300}}""");
        using var host = Agora.Host(stub);

        var result = await host.Get<MediaPushClient>().CreateOrReuseAsync(Converter(), Ct);

        result.Reused.Should().BeTrue();
        result.Converter.Id.Should().Be("BBB");
        result.Converter.RawOptions.Should().Be(new RawOptions("ch_1", 201));
        stub.Requests.Select(r => $"{r.Method} {r.PathAndQuery}").Should().Equal(
            $"POST {Regional}",
            $"GET /v1/projects/{Agora.AppId}/channels/ch_1/rtmp-converters",
            $"GET /v1/projects/{Agora.AppId}/channels/ch_1/rtmp-converters?cursor=5",
            $"GET {Regional}/BBB");
    }

    [Fact]
    public async Task Create_or_reuse_creates_when_the_name_is_free()
    {
        stub.Respond(HttpStatusCode.OK, Created);
        using var host = Agora.Host(stub);

        var result = await host.Get<MediaPushClient>().CreateOrReuseAsync(Converter(), Ct);

        result.Reused.Should().BeFalse();
        stub.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task Create_is_retried_on_server_errors_because_the_unique_name_makes_it_safe()
    {
        stub.Respond(HttpStatusCode.ServiceUnavailable, """{"message":"Service Unavailable"}""").Respond(HttpStatusCode.OK, Created);
        using var host = Agora.Host(stub);

        (await host.Get<MediaPushClient>().CreateAsync(Converter(), cancellationToken: Ct)).State.Should().Be("connecting");
        stub.Requests.Should().HaveCount(2);
        stub.Requests[1].Body.Should().Be(stub.Requests[0].Body);
    }

    [Fact]
    public async Task Get_of_a_converter_that_is_gone_is_a_404_not_found()
    {
        stub.Respond(HttpStatusCode.NotFound, """{"message":"Not Found"}""");
        using var host = Agora.Host(stub);

        var act = () => host.Get<MediaPushClient>().GetAsync("gone", Ct);

        var failure = (await act.Should().ThrowAsync<AgoraApiException>()).Which;
        failure.IsNotFound.Should().BeTrue();
        failure.IsConflict.Should().BeFalse();
        stub.Requests.Single().PathAndQuery.Should().Be($"{Regional}/gone");
        stub.Requests.Should().ContainSingle("404 is never retried");
    }

    [Fact]
    public async Task Delete_sends_a_delete_and_accepts_an_empty_body()
    {
        stub.Respond(HttpStatusCode.OK);
        using var host = Agora.Host(stub);

        await host.Get<MediaPushClient>().DeleteAsync("4c01", Ct);

        var request = stub.Requests.Single();
        request.Method.Should().Be(HttpMethod.Delete);
        request.PathAndQuery.Should().Be($"{Regional}/4c01");
    }

    [Fact]
    public async Task List_reads_the_project_page_with_its_cursor()
    {
        stub.Respond(HttpStatusCode.OK, """{"success":true,"data":{"total_count":1,"cursor":0,"members":[{"rtcChannel":"ch_1","converterName":"ch_1_relay","converterId":"BBB","rtmpUrl":"rtmp://x/live/k","state":"running","create":1591786766,"updateTs":1591786767,"idleTimeout":300,"appId":"app"}]}}""");
        using var host = Agora.Host(stub);

        var page = await host.Get<MediaPushClient>().ListAsync(cancellationToken: Ct);

        stub.Requests.Single().PathAndQuery.Should().Be($"/v1/projects/{Agora.AppId}/rtmp-converters");
        page.TotalCount.Should().Be(1);
        page.Cursor.Should().Be(0);
        page.Members.Should().ContainSingle().Which.Should().BeEquivalentTo(new MediaPushConverterSummary
        {
            ConverterId = "BBB", ConverterName = "ch_1_relay", RtcChannel = "ch_1", RtmpUrl = "rtmp://x/live/k", State = "running",
            Create = 1591786766, UpdateTs = 1591786767, IdleTimeout = 300, AppId = "app",
        });
    }

    [Fact]
    public async Task List_all_follows_the_cursor_until_it_is_zero()
    {
        stub.Respond(HttpStatusCode.OK, """{"success":true,"data":{"total_count":3,"cursor":7,"members":[{"converterId":"A"},{"converterId":"B"}]}}""")
            .Respond(HttpStatusCode.OK, """{"success":true,"data":{"total_count":3,"cursor":0,"members":[{"converterId":"C"}]}}""");
        using var host = Agora.Host(stub);

        var all = await host.Get<MediaPushClient>().ListAllAsync(cancellationToken: Ct).ToListAsync(Ct);

        all.Select(c => c.ConverterId).Should().Equal("A", "B", "C");
        stub.Requests.Select(r => r.PathAndQuery).Should().Equal(
            $"/v1/projects/{Agora.AppId}/rtmp-converters", $"/v1/projects/{Agora.AppId}/rtmp-converters?cursor=7");
    }

    [Fact]
    public async Task A_list_answering_success_false_is_an_error()
    {
        stub.Respond(HttpStatusCode.OK, """{"success":false,"message":"failed"}""");
        using var host = Agora.Host(stub);

        var act = () => host.Get<MediaPushClient>().ListByChannelAsync("ch_1", cancellationToken: Ct);

        (await act.Should().ThrowAsync<AgoraApiException>()).Which.Reason.Should().Be("failed");
    }

    [Fact]
    public void Converter_names_are_deterministic_and_checked()
    {
        MediaPushClient.ConverterName("ch_0123456789abcdef0123456789abcdef", "relay").Should().Be("ch_0123456789abcdef0123456789abcdef_relay");
        FluentActions.Invoking(() => MediaPushClient.ConverterName("shop 1", "relay")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => MediaPushClient.ConverterName(new string('a', 60), "relay")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task A_bad_rtmp_url_is_refused_without_echoing_it()
    {
        using var host = Agora.Host(stub);

        var act = () => host.Get<MediaPushClient>().CreateAsync(Converter() with { RtmpUrl = "https://example.test/live/SECRET-KEY" }, cancellationToken: Ct);

        (await act.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().NotContain("SECRET-KEY");
        stub.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task A_raw_converter_needs_the_publisher_uid()
    {
        using var host = Agora.Host(stub);

        var act = () => host.Get<MediaPushClient>().CreateAsync(Converter() with { RtcStreamUid = 0 }, cancellationToken: Ct);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("RtcStreamUid must be the publisher's uid*");
    }

    [Fact]
    public void Converters_print_without_their_rtmp_url()
    {
        Converter().ToString().Should().NotContain("STREAM-KEY");
        new MediaPushConverter { Id = "A", RtmpUrl = RtmpUrl }.ToString().Should().NotContain("STREAM-KEY");
        new MediaPushConverterSummary { ConverterId = "A", RtmpUrl = RtmpUrl }.ToString().Should().NotContain("STREAM-KEY");
    }
}
