using FluentAssertions;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using Xunit;

namespace HybridStreaming.Channels.Tests;

/// <summary>The session state machine of architecture §8.1, transition by transition.</summary>
public sealed class StreamSessionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);
    private const int MaxSwitches = 4;
    private readonly Channel _channel = Channel.Create("seller-1", "Spring sale", "", T0);

    private StreamSession Start(StreamMode mode = StreamMode.Hybrid, string? reason = null)
    {
        var session = StreamSession.Start(_channel, 42u, mode, reason, T0, StartDeadline);
        return session;
    }

    private StreamSession Live(StreamMode mode = StreamMode.Hybrid)
    {
        var session = Start(mode);
        session.OnRecordingStarted("res", "sid", T0.AddSeconds(1));
        if (mode == StreamMode.Hybrid)
        {
            session.OnRelayStarted("input", "http://cdn/input/manifest/video.m3u8", T0.AddSeconds(2), MaxSwitches);
        }

        session.ClearPendingEvents();
        return session;
    }

    [Fact]
    public void Go_live_starts_a_session_and_requests_the_start_with_the_seller_uid_and_mode()
    {
        var session = Start();

        session.State.Should().Be(SessionState.Starting);
        session.Recording.Should().Be(RecordingState.Starting);
        session.Relay.Should().Be(RelayState.Starting);
        session.StartDeadline.Should().Be(T0 + StartDeadline);
        session.PendingEvents.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new StreamStartRequested(session.Id, _channel.Id, T0, _channel.AgoraChannelName, 42u, StreamMode.Hybrid, _channel.SellerId));
    }

    [Fact]
    public void A_hybrid_session_goes_live_once_recording_answered_and_the_relay_started()
    {
        var session = Start();
        session.ClearPendingEvents();

        session.OnRecordingStarted("res", "sid", T0.AddSeconds(1)).Applied.Should().BeTrue();
        session.State.Should().Be(SessionState.Starting, "the relay has not started yet");
        session.OnRelayStarted("input", "http://cdn/input/manifest/video.m3u8", T0.AddSeconds(3), MaxSwitches).Applied.Should().BeTrue();

        session.State.Should().Be(SessionState.Live);
        session.Mode.Should().Be(StreamMode.Hybrid);
        session.LiveAt.Should().Be(T0.AddSeconds(3));
        session.StartDeadline.Should().BeNull();
        session.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<StreamWentLive>()
            .Which.HlsPlaybackUrl.Should().Be("http://cdn/input/manifest/video.m3u8");
    }

    [Fact]
    public void A_recording_failure_never_blocks_going_live()
    {
        var session = Start(StreamMode.AgoraOnly, "outside the rollout");

        session.OnRecordingFailed("storage refused", T0.AddSeconds(1));

        session.State.Should().Be(SessionState.Live);
        session.Recording.Should().Be(RecordingState.Failed);
        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.Reason.Should().Be("outside the rollout");
    }

    [Fact]
    public void A_relay_failure_falls_back_to_agora_only_with_the_reason()
    {
        var session = Start();
        session.OnRecordingStarted("res", "sid", T0.AddSeconds(1));

        session.OnRelayFailed("Cloudflare answered 500.", T0.AddSeconds(2));

        session.State.Should().Be(SessionState.Live);
        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.Relay.Should().Be(RelayState.Failed);
        session.Reason.Should().Contain("Cloudflare answered 500.").And.Contain("served from Agora");
        session.PendingEvents.OfType<StreamWentLive>().Should().ContainSingle().Which.Mode.Should().Be(StreamMode.AgoraOnly);
    }

    [Fact]
    public void When_the_start_deadline_passes_the_session_goes_live_agora_only()
    {
        var session = Start();

        session.OnStartDeadlinePassed(T0.AddSeconds(10)).Applied.Should().BeFalse("the deadline has not passed");
        session.OnStartDeadlinePassed(T0.AddSeconds(21)).Applied.Should().BeTrue();

        session.State.Should().Be(SessionState.Live);
        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.Reason.Should().Contain("did not start within 20 s");
        session.Recording.Should().Be(RecordingState.Failed);
    }

    [Fact]
    public void Stop_then_both_workers_confirm_ends_the_session_with_the_live_time()
    {
        var session = Live();

        session.RequestStop("seller", T0.AddMinutes(10), StopDeadline).IsSuccess.Should().BeTrue();
        session.State.Should().Be(SessionState.Stopping);
        session.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<StreamStopRequested>().Which.Reason.Should().Be("seller");

        session.OnRecordingStopped(9.9m, 2, T0.AddMinutes(10).AddSeconds(2));
        session.State.Should().Be(SessionState.Stopping, "the relay has not confirmed");
        session.OnRelayStopped(9.9m, T0.AddMinutes(10).AddSeconds(3));

        session.State.Should().Be(SessionState.Ended);
        session.PendingEvents.OfType<StreamEnded>().Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Mode = StreamMode.Hybrid,
            LiveSeconds = 601L,
            Reason = "seller",
        });
    }

    [Fact]
    public void An_agora_only_session_ends_on_the_recording_alone()
    {
        var session = Live(StreamMode.AgoraOnly);
        session.RequestStop("seller", T0.AddMinutes(1), StopDeadline);

        session.OnRecordingStopped(1m, 1, T0.AddMinutes(1).AddSeconds(1));

        session.State.Should().Be(SessionState.Ended);
        session.OnRelayStopped(0m, T0.AddMinutes(2)).Applied.Should().BeFalse();
    }

    [Fact]
    public void An_unconfirmed_stop_ends_at_the_stop_deadline_saying_what_did_not_confirm()
    {
        var session = Live();
        session.RequestStop("admin", T0.AddMinutes(1), StopDeadline);
        session.OnRecordingStopped(1m, 1, T0.AddMinutes(1).AddSeconds(1));

        session.OnStopDeadlinePassed(T0.AddMinutes(2).AddSeconds(1)).Applied.Should().BeTrue();

        session.State.Should().Be(SessionState.Ended);
        session.Reason.Should().Contain("relay").And.NotContain("recording,");
    }

    [Fact]
    public void Stopping_twice_answers_the_same_and_stopping_an_ended_session_is_a_conflict()
    {
        var session = Live(StreamMode.AgoraOnly);
        session.RequestStop("seller", T0.AddMinutes(1), StopDeadline);
        session.ClearPendingEvents();

        session.RequestStop("seller", T0.AddMinutes(1), StopDeadline).IsSuccess.Should().BeTrue();
        session.PendingEvents.Should().BeEmpty("the second stop changes nothing");

        session.OnRecordingStopped(1m, 0, T0.AddMinutes(1));
        var again = session.RequestStop("seller", T0.AddMinutes(2), StopDeadline);
        again.Error!.Kind.Should().Be(ErrorKind.Conflict);
    }

    [Fact]
    public void Events_after_the_end_are_ignored_not_applied()
    {
        var session = Live(StreamMode.AgoraOnly);
        session.RequestStop("seller", T0.AddMinutes(1), StopDeadline);
        session.OnRecordingStopped(1m, 0, T0.AddMinutes(1));

        session.OnRecordingStarted("res", "sid", T0.AddMinutes(2)).Applied.Should().BeFalse();
        session.OnRecordingFailed("late", T0.AddMinutes(2)).Applied.Should().BeFalse();
        session.State.Should().Be(SessionState.Ended);
    }

    [Fact]
    public void The_seller_leaving_starts_a_grace_period_and_coming_back_cancels_it()
    {
        var session = Live();

        session.OnSellerLeft(42u, 10, "network", T0.AddMinutes(1), Grace).Applied.Should().BeTrue();
        session.GraceDeadline.Should().Be(T0.AddMinutes(1) + Grace);
        session.OnSellerJoined(42u, 11, T0.AddMinutes(1).AddSeconds(10)).Applied.Should().BeTrue();

        session.GraceDeadline.Should().BeNull();
        session.OnGraceExpired(T0.AddMinutes(5), StopDeadline).Applied.Should().BeFalse();
        session.State.Should().Be(SessionState.Live);
        session.PendingEvents.Select(e => e.GetType()).Should().Equal(typeof(SellerLeftChannel), typeof(SellerRejoinedChannel));
    }

    [Fact]
    public void A_seller_away_past_the_grace_period_is_stopped_with_reason_grace_expired()
    {
        var session = Live();
        session.OnSellerLeft(42u, 10, "quit", T0.AddMinutes(1), Grace);

        session.OnGraceExpired(T0.AddMinutes(1) + Grace, StopDeadline).Applied.Should().BeTrue();

        session.State.Should().Be(SessionState.Stopping);
        session.StopReason.Should().Be("grace-expired");
    }

    [Fact]
    public void Presence_events_of_others_or_out_of_order_are_ignored()
    {
        var session = Live();
        session.OnSellerLeft(7u, 10, "quit", T0, Grace).Applied.Should().BeFalse("uid 7 is not the seller");

        session.OnSellerJoined(42u, 20, T0.AddSeconds(1));
        session.OnSellerLeft(42u, 15, "quit", T0.AddSeconds(2), Grace).Applied.Should().BeFalse("an older event arrived late");
        session.GraceDeadline.Should().BeNull();
    }

    [Fact]
    public void A_disconnected_live_input_marks_the_relay_and_a_reconnect_restores_it()
    {
        var session = Live();

        session.OnRelayInputDisconnected("disconnected", T0.AddMinutes(1)).Applied.Should().BeTrue();
        session.Relay.Should().Be(RelayState.Disconnected);
        session.PendingEvents.OfType<RelayInputDisconnected>().Should().ContainSingle().Which.LiveInputUid.Should().Be("input");

        session.OnRelayInputConnected(T0.AddMinutes(2), MaxSwitches).Applied.Should().BeTrue();
        session.Relay.Should().Be(RelayState.Live);
        session.Mode.Should().Be(StreamMode.Hybrid);
    }
}
