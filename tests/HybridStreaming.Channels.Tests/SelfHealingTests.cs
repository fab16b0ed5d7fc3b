using FluentAssertions;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using Xunit;

namespace HybridStreaming.Channels.Tests;

/// <summary>
/// A session that fell back to agora-only because of its CDN path returns to hybrid when the relay comes
/// up, falls back again when it fails, and stops switching at the limit (runbook "What the states mean").
/// </summary>
public sealed class SelfHealingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private const string Url = "http://cdn/input/manifest/video.m3u8";
    private const int MaxSwitches = 4;
    private readonly Channel _channel = Channel.Create("seller-1", "Spring sale", "", T0);

    /// <summary>Hybrid requested; recording started; the relay missed the deadline, so buyers are on Agora.</summary>
    private StreamSession FellBackAtTheDeadline()
    {
        var session = StreamSession.Start(_channel, 42u, StreamMode.Hybrid, null, T0, StartDeadline);
        session.OnRecordingStarted("res", "sid", T0.AddSeconds(1));
        session.OnStartDeadlinePassed(T0.AddSeconds(21)).Applied.Should().BeTrue();
        session.State.Should().Be(SessionState.Live);
        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.ClearPendingEvents();
        return session;
    }

    [Fact]
    public void A_relay_that_starts_after_the_deadline_brings_the_session_back_to_hybrid_and_says_why()
    {
        var session = FellBackAtTheDeadline();

        var late = session.OnRelayStarted("input", Url, T0.AddSeconds(26), MaxSwitches);

        late.Applied.Should().BeTrue();
        session.Mode.Should().Be(StreamMode.Hybrid);
        session.State.Should().Be(SessionState.Live);
        session.Relay.Should().Be(RelayState.Live);
        session.HlsPlaybackUrl.Should().Be(Url);
        session.Reason.Should().BeNull("buyers are on the CDN again");
        session.ModeSwitches.Should().Be(2);
        session.ModeHistory.Select(c => (c.At, c.Mode)).Should().Equal(
            (T0, StreamMode.Hybrid), (T0.AddSeconds(21), StreamMode.AgoraOnly), (T0.AddSeconds(26), StreamMode.Hybrid));
        session.ModeHistory[1].Reason.Should().Contain("did not start within 20 s");
        var changed = session.PendingEvents.Should().ContainSingle().Which.Should().BeOfType<StreamModeChanged>().Which;
        changed.Should().BeEquivalentTo(new { session.Id, Mode = StreamMode.Hybrid, HlsPlaybackUrl = Url, Switches = 2 }, o => o.Excluding(e => e.Id));
        changed.Reason.Should().Contain("started 26 s after go-live").And.Contain("moved back to HLS");
    }

    [Fact]
    public void A_relay_that_starts_after_a_relay_failure_brings_the_session_back_to_hybrid()
    {
        var session = StreamSession.Start(_channel, 42u, StreamMode.Hybrid, null, T0, StartDeadline);
        session.OnRecordingStarted("res", "sid", T0.AddSeconds(1));
        session.OnRelayFailed("Cloudflare answered 503.", T0.AddSeconds(2));
        session.Mode.Should().Be(StreamMode.AgoraOnly);

        session.OnRelayStarted("input", Url, T0.AddSeconds(40), MaxSwitches).Applied.Should().BeTrue();

        session.Mode.Should().Be(StreamMode.Hybrid);
        session.HlsPlaybackUrl.Should().Be(Url);
    }

    [Fact]
    public void Agora_only_chosen_by_the_rollout_stays_agora_only()
    {
        var session = StreamSession.Start(_channel, 42u, StreamMode.AgoraOnly, "outside the rollout", T0, StartDeadline);
        session.OnRecordingStarted("res", "sid", T0.AddSeconds(1));
        session.ClearPendingEvents();

        session.OnRelayStarted("input", Url, T0.AddSeconds(5), MaxSwitches).Applied.Should().BeFalse();

        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.HlsPlaybackUrl.Should().BeNull();
        session.Reason.Should().Be("outside the rollout");
        session.PendingEvents.Should().BeEmpty();
    }

    [Fact]
    public void A_relay_that_fails_after_the_recovery_falls_back_again_and_a_reconnect_recovers()
    {
        var session = FellBackAtTheDeadline();
        session.OnRelayStarted("input", Url, T0.AddSeconds(26), MaxSwitches);
        session.ClearPendingEvents();

        session.OnRelayInputDisconnected("disconnected", T0.AddMinutes(2)).Applied.Should().BeTrue();

        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.HlsPlaybackUrl.Should().BeNull();
        session.Reason.Should().Contain("reported disconnected").And.Contain("served from Agora");
        session.PendingEvents.OfType<StreamModeChanged>().Should().ContainSingle().Which.Mode.Should().Be(StreamMode.AgoraOnly);

        session.OnRelayInputConnected(T0.AddMinutes(3), MaxSwitches).Applied.Should().BeTrue();
        session.Mode.Should().Be(StreamMode.Hybrid);
        session.HlsPlaybackUrl.Should().Be(Url);
        session.ModeSwitches.Should().Be(4);
    }

    [Fact]
    public void After_the_switch_limit_the_session_stays_on_agora_with_the_reason()
    {
        const int limit = 2;
        var session = FellBackAtTheDeadline();                                      // switch 1
        session.OnRelayStarted("input", Url, T0.AddSeconds(26), limit);            // switch 2
        session.OnRelayInputDisconnected("disconnected", T0.AddMinutes(2));         // switch 3: a failing CDN path always falls back
        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.ClearPendingEvents();

        var reconnected = session.OnRelayInputConnected(T0.AddMinutes(3), limit);

        reconnected.Applied.Should().BeTrue("the relay is live again");
        session.Mode.Should().Be(StreamMode.AgoraOnly, "the session used up its switches");
        session.RelayDetail.Should().Contain("HYBRID_MAX_MODE_SWITCHES = 2").And.Contain("stay on Agora");
        session.PendingEvents.OfType<StreamModeChanged>().Should().BeEmpty();
    }

    [Fact]
    public void With_no_switches_allowed_a_late_relay_changes_nothing_but_the_detail()
    {
        var session = FellBackAtTheDeadline();

        session.OnRelayStarted("input", Url, T0.AddSeconds(26), maxModeSwitches: 0).Applied.Should().BeFalse();

        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.RelayDetail.Should().Contain("HYBRID_MAX_MODE_SWITCHES = 0");
        session.LiveInputUid.Should().Be("input", "the relay is torn down at stop");
    }

    [Fact]
    public void Duplicate_and_out_of_order_relay_events_change_nothing()
    {
        var session = FellBackAtTheDeadline();
        session.OnRelayStarted("input", Url, T0.AddSeconds(26), MaxSwitches);
        session.ClearPendingEvents();

        session.OnRelayStarted("input", Url, T0.AddSeconds(27), MaxSwitches).Applied.Should().BeFalse("the same report again");
        session.OnRelayFailed("a stale report from before the relay came up", T0.AddSeconds(28)).Applied.Should().BeFalse();
        session.OnStartDeadlinePassed(T0.AddSeconds(29)).Applied.Should().BeFalse("the session is live");
        session.OnRelayInputConnected(T0.AddSeconds(30), MaxSwitches).Applied.Should().BeFalse("it never disconnected");

        session.Mode.Should().Be(StreamMode.Hybrid);
        session.ModeSwitches.Should().Be(2);
        session.PendingEvents.Should().BeEmpty();
    }

    [Fact]
    public void A_relay_that_starts_while_the_session_stops_is_left_for_the_teardown()
    {
        var session = FellBackAtTheDeadline();
        session.RequestStop("seller", T0.AddSeconds(30), TimeSpan.FromSeconds(60));
        session.ClearPendingEvents();

        session.OnRelayStarted("input", Url, T0.AddSeconds(31), MaxSwitches).Applied.Should().BeFalse();

        session.Mode.Should().Be(StreamMode.AgoraOnly);
        session.LiveInputUid.Should().Be("input");
        session.RelayDetail.Should().Contain("torn down at stop");
        session.PendingEvents.Should().BeEmpty();
    }

    [Fact]
    public void A_live_input_that_drops_because_the_seller_left_does_not_move_buyers_and_the_end_says_how_it_ended()
    {
        var session = FellBackAtTheDeadline();
        session.OnRelayStarted("input", Url, T0.AddSeconds(26), MaxSwitches);
        session.OnSellerLeft(42u, 1, "quit", T0.AddMinutes(1), TimeSpan.FromSeconds(30));
        session.ClearPendingEvents();

        session.OnRelayInputDisconnected("disconnected", T0.AddMinutes(1).AddSeconds(1)).Applied.Should().BeTrue();

        session.Mode.Should().Be(StreamMode.Hybrid, "the seller stopped publishing: Agora has nothing to show either");
        session.PendingEvents.OfType<StreamModeChanged>().Should().BeEmpty();
        session.OnGraceExpired(T0.AddMinutes(2), TimeSpan.FromSeconds(60));
        session.OnRecordingStopped(2m, 1, T0.AddMinutes(2).AddSeconds(1));
        session.OnRelayStopped(1.5m, T0.AddMinutes(2).AddSeconds(2));
        session.State.Should().Be(SessionState.Ended);
        session.Reason.Should().Be("stopped: grace-expired");
    }
}
