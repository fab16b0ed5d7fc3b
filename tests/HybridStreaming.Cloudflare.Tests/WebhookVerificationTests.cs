using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using static HybridStreaming.Cloudflare.Tests.Cloudflare;

namespace HybridStreaming.Cloudflare.Tests;

public sealed class WebhookVerificationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"uid":"v1","readyToStream":true,"status":{"state":"ready"},"meta":{"name":"shop 1"},"liveInput":"66be4bf738797e01e1fca35a7bdecdcd","playback":{"hls":"https://x/v1/manifest/video.m3u8","dash":"https://x/v1/manifest/video.mpd"}}""");

    /// <summary>The expected signature, computed here independently of the library.</summary>
    private static string Sign(long time, byte[] body, string secret)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{time.ToString(CultureInfo.InvariantCulture)}.{Encoding.UTF8.GetString(body)}")));
    }

    private static string Header(long time, string signature) => $"time={time},sig1={signature}";

    private static CloudflareWebhookVerifier Verifier(ProviderTestHost host) => host.Get<CloudflareWebhookVerifier>();

    private static ProviderTestHost NewHost() => Host(new StubHttpHandler(), time: new FakeTimeProvider(Now));

    [Fact]
    public void A_fresh_correctly_signed_body_is_valid()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds() - 10;

        Verifier(host).VerifyStreamWebhook(Body, Header(time, Sign(time, Body, WebhookSecret))).Should().Be(CloudflareWebhookStatus.Valid);
        CloudflareWebhookVerifier.ComputeSignature(time, Body, WebhookSecret).Should().Be(Sign(time, Body, WebhookSecret));
    }

    [Fact]
    public void A_tampered_body_is_invalid()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds();
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("ready", "error", StringComparison.Ordinal));

        Verifier(host).VerifyStreamWebhook(tampered, Header(time, Sign(time, Body, WebhookSecret))).Should().Be(CloudflareWebhookStatus.Invalid);
    }

    [Fact]
    public void A_signature_made_with_another_secret_is_invalid()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds();

        Verifier(host).VerifyStreamWebhook(Body, Header(time, Sign(time, Body, "other"))).Should().Be(CloudflareWebhookStatus.Invalid);
    }

    [Fact]
    public void A_timestamp_older_than_the_tolerance_is_expired_even_if_correctly_signed()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds() - 301;

        Verifier(host).VerifyStreamWebhook(Body, Header(time, Sign(time, Body, WebhookSecret))).Should().Be(CloudflareWebhookStatus.Expired);
    }

    [Fact]
    public void A_timestamp_far_in_the_future_is_expired_too()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds() + 301;

        Verifier(host).VerifyStreamWebhook(Body, Header(time, Sign(time, Body, WebhookSecret))).Should().Be(CloudflareWebhookStatus.Expired);
    }

    [Fact]
    public void The_tolerance_is_configurable_and_the_clock_injectable()
    {
        var clock = new FakeTimeProvider(Now);
        using var host = Host(new StubHttpHandler(), values => values["CLOUDFLARE_STREAM_WEBHOOK_TOLERANCE_SECONDS"] = "30", clock);
        var time = Now.ToUnixTimeSeconds();
        var header = Header(time, Sign(time, Body, WebhookSecret));

        Verifier(host).VerifyStreamWebhook(Body, header).Should().Be(CloudflareWebhookStatus.Valid);
        clock.Advance(TimeSpan.FromSeconds(31));
        Verifier(host).VerifyStreamWebhook(Body, header).Should().Be(CloudflareWebhookStatus.Expired);
    }

    [Theory]
    [InlineData("sig1=abcdef")]
    [InlineData("time=abc,sig1=abcdef")]
    [InlineData("time=1780000000")]
    [InlineData("garbage")]
    public void A_header_without_time_or_sig1_is_malformed(string header)
    {
        using var host = NewHost();

        Verifier(host).VerifyStreamWebhook(Body, header).Should().Be(CloudflareWebhookStatus.Malformed);
    }

    [Fact]
    public void No_header_is_missing()
    {
        using var host = NewHost();

        Verifier(host).VerifyStreamWebhook(Body, null).Should().Be(CloudflareWebhookStatus.Missing);
    }

    [Fact]
    public void Any_matching_sig1_among_several_is_accepted_and_spaces_are_tolerated()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds();

        Verifier(host).VerifyStreamWebhook(Body, $"time={time}, sig1={new string('0', 64)}, sig1={Sign(time, Body, WebhookSecret)}")
            .Should().Be(CloudflareWebhookStatus.Valid);
    }

    [Fact]
    public void Notification_auth_is_compared_with_the_notifications_secret()
    {
        using var host = NewHost();

        Verifier(host).VerifyNotification(NotificationsSecret).Should().Be(CloudflareWebhookStatus.Valid);
        Verifier(host).VerifyNotification(NotificationsSecret + "x").Should().Be(CloudflareWebhookStatus.Invalid);
        Verifier(host).VerifyNotification(WebhookSecret).Should().Be(CloudflareWebhookStatus.Invalid);
        Verifier(host).VerifyNotification("").Should().Be(CloudflareWebhookStatus.Missing);
    }

    [Fact]
    public void The_two_schemes_are_told_apart_by_header()
    {
        using var host = NewHost();
        var time = Now.ToUnixTimeSeconds();

        Verifier(host).Verify(Body, new HeaderDictionary { [CloudflareWebhookVerifier.SignatureHeaderName] = Header(time, Sign(time, Body, WebhookSecret)) })
            .Should().Be(CloudflareWebhookStatus.Valid);
        Verifier(host).Verify(Body, new HeaderDictionary { [CloudflareWebhookVerifier.NotificationAuthHeaderName] = NotificationsSecret })
            .Should().Be(CloudflareWebhookStatus.Valid);
        Verifier(host).Verify(Body, new HeaderDictionary()).Should().Be(CloudflareWebhookStatus.Missing);
    }

    [Fact]
    public void Verification_refuses_to_run_without_its_secret()
    {
        using var host = Host(new StubHttpHandler(), values =>
        {
            values.Remove("CLOUDFLARE_STREAM_WEBHOOK_SECRET");
            values.Remove("CLOUDFLARE_NOTIFICATIONS_SECRET");
        });

        FluentActions.Invoking(() => Verifier(host).VerifyStreamWebhook(Body, "time=1,sig1=00"))
            .Should().Throw<InvalidOperationException>().WithMessage("CLOUDFLARE_STREAM_WEBHOOK_SECRET is not configured*");
        FluentActions.Invoking(() => Verifier(host).VerifyNotification("x"))
            .Should().Throw<InvalidOperationException>().WithMessage("CLOUDFLARE_NOTIFICATIONS_SECRET is not configured*");
    }

    [Theory]
    [InlineData("live_input.connected", LiveInputEventKind.Connected)]
    [InlineData("live_input.disconnected", LiveInputEventKind.Disconnected)]
    [InlineData("live_input.something_new", LiveInputEventKind.Unknown)]
    public void Notifications_are_parsed_with_their_event_kind(string eventType, LiveInputEventKind kind)
    {
        var body = Encoding.UTF8.GetBytes($$"""
            {"name":"Live","text":"Notification type: Stream Live Input\nInput ID: eb22\nEvent type: {{eventType}}","data":{"notification_name":"Stream Live Input","input_id":"eb222fcca08eeb1ae84c981ebe8aeeb6","event_type":"{{eventType}}","updated_at":"2022-01-13T11:43:41.855717910Z"},"ts":1642074233}
            """);

        var notification = CloudflareWebhookVerifier.ParseNotification(body);

        notification.Kind.Should().Be(kind);
        notification.Data.InputId.Should().Be("eb222fcca08eeb1ae84c981ebe8aeeb6");
        notification.Data.EventType.Should().Be(eventType);
        notification.Data.UpdatedAt!.Value.ToUnixTimeSeconds().Should().Be(1642074221);
        notification.Ts.Should().Be(1642074233);
    }

    [Fact]
    public void Errored_notifications_carry_the_error_and_codecs()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"name":"Live","text":"…","data":{"notification_name":"Stream Live Input","input_id":"eb22","event_type":"live_input.errored","updated_at":"2022-01-13T11:43:41Z",
             "live_input_errored":{"error":{"code":"ERR_GOP_OUT_OF_RANGE","message":"Input GOP size or keyframe interval is out of range."},"video_codec":"h264","audio_codec":"aac"}},"ts":1642074233}
            """);

        var notification = CloudflareWebhookVerifier.ParseNotification(body);

        notification.Kind.Should().Be(LiveInputEventKind.Errored);
        notification.Data.LiveInputErrored!.Error.Should().Be(new LiveInputError("ERR_GOP_OUT_OF_RANGE", "Input GOP size or keyframe interval is out of range."));
        (notification.Data.LiveInputErrored.VideoCodec, notification.Data.LiveInputErrored.AudioCodec).Should().Be(("h264", "aac"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"name":"x","data":{"event_type":"live_input.connected"}}""")]
    public void A_body_that_is_not_a_notification_is_a_format_error(string body)
    {
        FluentActions.Invoking(() => CloudflareWebhookVerifier.ParseNotification(Encoding.UTF8.GetBytes(body)))
            .Should().Throw<FormatException>().WithMessage("Not a live input notification*");
    }

    [Fact]
    public void The_stream_webhook_body_is_a_video()
    {
        var video = CloudflareWebhookVerifier.ParseStreamWebhook(Body);

        (video.Uid, video.ReadyToStream, video.Status!.State, video.LiveInput).Should().Be(("v1", true, "ready", "66be4bf738797e01e1fca35a7bdecdcd"));
    }
}
