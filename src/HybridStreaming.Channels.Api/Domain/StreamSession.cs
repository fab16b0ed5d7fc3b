using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;

namespace HybridStreaming.Channels.Api.Domain;

public enum SessionState
{
    Starting,
    Live,
    Stopping,
    Ended,
    Failed,
}

public enum RecordingState
{
    Starting,
    Recording,
    Failed,
    Stopping,
    Stopped,
}

public enum RelayState
{
    /// <summary>Agora-only by the rollout policy: the relay was never asked.</summary>
    NotUsed,
    Starting,
    Live,
    Disconnected,
    Failed,
    Stopping,
    Stopped,
}

/// <summary>Why buyers were moved to Agora: the <c>reason</c> of the <c>hybridstreaming.fallbacks</c> metric.</summary>
public static class FallbackCause
{
    public const string RelayFailed = "relay-failed";
    public const string Deadline = "deadline";
    public const string InputDisconnected = "input-disconnected";
}

/// <summary>One entry of a session's mode history: the mode buyers were moved to, when and why.</summary>
public sealed record ModeChange(DateTimeOffset At, StreamMode Mode, string Reason);

/// <summary>What a transition driven by an event did: applied, or ignored with the reason (out of order, duplicate, too late).</summary>
public readonly record struct Transition(bool Applied, string? IgnoredBecause = null)
{
    public static readonly Transition Done = new(true);

    public static Transition Ignored(string because) => new(false, because);
}

/// <summary>
/// One go-live of a channel: the state machine of architecture §4 and §8.1. Transitions happen only
/// through these methods; each checks that it is legal in the current state and raises the integration
/// events that go out through the outbox with the same commit.
/// </summary>
public sealed class StreamSession : IHasIntegrationEvents
{
    private readonly List<IIntegrationEvent> _events = [];
    private readonly List<string> _fallbacks = [];

    private StreamSession()
    {
    }

    public Guid Id { get; private set; }

    public Guid ChannelId { get; private set; }

    public string SellerId { get; private set; } = "";

    public uint SellerUid { get; private set; }

    public string AgoraChannelName { get; private set; } = "";

    /// <summary>What the rollout decided at go-live.</summary>
    public StreamMode RequestedMode { get; private set; }

    /// <summary>What buyers get: agora-only when the rollout said so or the relay failed.</summary>
    public StreamMode Mode { get; private set; }

    public SessionState State { get; private set; }

    public RecordingState Recording { get; private set; }

    public RelayState Relay { get; private set; }

    /// <summary>
    /// Why the session is agora-only, ended early or failed — in words an operator can act on. Once ended:
    /// how it ended (<c>stopped: seller</c>, or what did not confirm the stop).
    /// </summary>
    public string? Reason { get; private set; }

    public string? RecordingDetail { get; private set; }

    public string? RelayDetail { get; private set; }

    public string? StopReason { get; private set; }

    /// <summary>Where buyers play HLS from: the relay's URL while the session is hybrid, null while it is agora-only.</summary>
    public string? HlsPlaybackUrl { get; private set; }

    /// <summary>The relay's HLS URL once it started, kept while buyers are on Agora so they can move back.</summary>
    public string? RelayHlsUrl { get; private set; }

    /// <summary>
    /// The modes buyers were served in, oldest first: the mode at go-live, then every switch. (Sessions
    /// started before the history existed have none: null when read from the database.)
    /// </summary>
    public List<ModeChange> ModeHistory { get; private set; } = [];

    /// <summary>How often buyers were moved between the paths (see <see cref="SwitchMode"/>).</summary>
    public int ModeSwitches => Math.Max(0, (ModeHistory?.Count ?? 0) - 1);

    public string? LiveInputUid { get; private set; }

    public string? RecordingResourceId { get; private set; }

    public string? RecordingSid { get; private set; }

    public decimal? RecordingMinutes { get; private set; }

    public int RecordingFileCount { get; private set; }

    public decimal? RelayMinutes { get; private set; }

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset? LiveAt { get; private set; }

    public DateTimeOffset? StopRequestedAt { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Until when recording and relay may take to confirm the start.</summary>
    public DateTimeOffset? StartDeadline { get; private set; }

    /// <summary>Until when the workers may take to confirm the stop.</summary>
    public DateTimeOffset? StopDeadline { get; private set; }

    /// <summary>Set while the seller is out of the Agora channel: when the session stops unless they return.</summary>
    public DateTimeOffset? GraceDeadline { get; private set; }

    /// <summary>Order of the last seller presence event applied (NCS <c>clientSeq</c>), to ignore stale ones.</summary>
    public long SellerPresenceSequence { get; private set; }

    /// <summary>The most viewers at once; null until the viewer usage is reported when the session ends.</summary>
    public int? PeakViewers { get; private set; }

    public int? UniqueViewers { get; private set; }

    public decimal? HlsViewerMinutes { get; private set; }

    public decimal? AgoraViewerMinutes { get; private set; }

    /// <summary>Whether the reported viewer usage covers the whole session (see <see cref="PresenceIncomplete"/>).</summary>
    public bool? ViewerUsageComplete { get; private set; }

    /// <summary>Set when a heartbeat could not be counted (Redis down): the usage reported at the end is a lower bound.</summary>
    public bool PresenceIncomplete { get; private set; }

    /// <summary>The session has ended and its viewer usage is still to be reported (exactly once, with <see cref="StreamEnded"/>).</summary>
    public bool AwaitsViewerUsage => State == SessionState.Ended && PeakViewers is null;

    /// <summary>Optimistic concurrency token (Postgres xmin).</summary>
    public uint Version { get; private set; }

    public bool IsActive => State is SessionState.Starting or SessionState.Live or SessionState.Stopping;

    /// <summary>
    /// <see cref="IsActive"/> as a query: starting, live or stopping (a channel has at most one such session;
    /// the unique index's filter says the same in SQL).
    /// </summary>
    public static readonly System.Linq.Expressions.Expression<Func<StreamSession, bool>> Active =
        s => s.State == SessionState.Starting || s.State == SessionState.Live || s.State == SessionState.Stopping;

    public IReadOnlyList<IIntegrationEvent> PendingEvents => _events;

    public void ClearPendingEvents()
    {
        _events.Clear();
        _fallbacks.Clear();
    }

    /// <summary>The causes (<see cref="FallbackCause"/>) of the fallbacks among <see cref="PendingEvents"/>, for the metrics.</summary>
    public IReadOnlyList<string> PendingFallbackCauses() => _fallbacks;

    public static StreamSession Start(
        Channel channel,
        uint sellerUid,
        StreamMode mode,
        string? agoraOnlyReason,
        DateTimeOffset now,
        TimeSpan startDeadline)
    {
        var session = new StreamSession
        {
            Id = Guid.CreateVersion7(now),
            ChannelId = channel.Id,
            SellerId = channel.SellerId,
            SellerUid = sellerUid,
            AgoraChannelName = channel.AgoraChannelName,
            RequestedMode = mode,
            Mode = mode,
            State = SessionState.Starting,
            Recording = RecordingState.Starting,
            Relay = mode == StreamMode.Hybrid ? RelayState.Starting : RelayState.NotUsed,
            Reason = mode == StreamMode.AgoraOnly ? agoraOnlyReason : null,
            StartedAt = now,
            StartDeadline = now + startDeadline,
            ModeHistory = [new ModeChange(now, mode, mode == StreamMode.Hybrid ? "Hybrid requested: buyers watch over HLS from the CDN." : agoraOnlyReason ?? "Agora-only requested.")],
        };
        session.Raise(new StreamStartRequested(session.Id, session.ChannelId, now, session.AgoraChannelName, sellerUid, mode, session.SellerId));
        return session;
    }

    public Transition OnRecordingStarted(string resourceId, string sid, DateTimeOffset now)
    {
        if (!IsActive || Recording is RecordingState.Stopping or RecordingState.Stopped)
        {
            return Transition.Ignored($"recording started after the session moved to {State}");
        }

        Recording = RecordingState.Recording;
        RecordingDetail = null;
        RecordingResourceId = resourceId;
        RecordingSid = sid;
        TryGoLive(now);
        return Transition.Done;
    }

    public Transition OnRecordingFailed(string reason, DateTimeOffset now)
    {
        if (State != SessionState.Starting && State != SessionState.Live)
        {
            return Transition.Ignored($"recording failure reported while {State}");
        }

        // A recording failure never blocks going live: it shows as recording.state = failed.
        Recording = RecordingState.Failed;
        RecordingDetail = reason;
        TryGoLive(now);
        return Transition.Done;
    }

    /// <summary>
    /// The relay's live input is connected. While starting in hybrid, the session may go live. A session
    /// that fell back to agora-only because of the CDN path (a relay failure or the start deadline; not the
    /// rollout policy) returns to hybrid, unless it has switched <paramref name="maxModeSwitches"/> times.
    /// </summary>
    public Transition OnRelayStarted(string liveInputUid, string hlsPlaybackUrl, DateTimeOffset now, int maxModeSwitches)
    {
        LiveInputUid = liveInputUid;
        if (State is not (SessionState.Starting or SessionState.Live))
        {
            RelayDetail = $"the relay started after the session had moved on ({State}); it is torn down at stop";
            return Transition.Ignored("relay started too late");
        }

        if (Mode == StreamMode.Hybrid)
        {
            if (Relay == RelayState.Live)
            {
                return Transition.Ignored("the relay is already live");
            }

            Relay = RelayState.Live;
            RelayDetail = null;
            RelayHlsUrl = hlsPlaybackUrl;
            HlsPlaybackUrl = hlsPlaybackUrl;
            TryGoLive(now);
            return Transition.Done;
        }

        if (RequestedMode != StreamMode.Hybrid)
        {
            return Transition.Ignored("agora-only by the rollout policy: no relay was asked for");
        }

        RelayHlsUrl = hlsPlaybackUrl;
        return ReturnToHybrid(
            $"The CDN relay started {(now - StartedAt).TotalSeconds:0} s after go-live, after the fallback; buyers are moved back to HLS.",
            "the relay started late", now, maxModeSwitches);
    }

    /// <summary>The relay could not be set up: a hybrid session falls back to agora-only (while starting, or after it came up late).</summary>
    public Transition OnRelayFailed(string reason, DateTimeOffset now)
    {
        if (State is not (SessionState.Starting or SessionState.Live) || RequestedMode != StreamMode.Hybrid)
        {
            RelayDetail = reason;
            return Transition.Ignored($"relay failure reported while {State}");
        }

        if (Mode == StreamMode.AgoraOnly || (State == SessionState.Live && Relay == RelayState.Live))
        {
            // Already on Agora (the worker gave up after the deadline), or a stale report from before the relay came up.
            RelayDetail = reason;
            return Transition.Ignored(Mode == StreamMode.AgoraOnly ? "already agora-only" : "the relay is live");
        }

        Relay = RelayState.Failed;
        RelayDetail = reason;
        SwitchMode(StreamMode.AgoraOnly, $"The CDN relay failed: {reason} Buyers are served from Agora.", now, FallbackCause.RelayFailed);
        TryGoLive(now);
        return Transition.Done;
    }

    /// <summary>The start deadline passed: whatever has not confirmed is given up on, and the session goes live anyway.</summary>
    public Transition OnStartDeadlinePassed(DateTimeOffset now)
    {
        if (State != SessionState.Starting || StartDeadline > now)
        {
            return Transition.Ignored("not starting, or the deadline has not passed");
        }

        var waited = StartDeadline!.Value - StartedAt;
        if (Mode == StreamMode.Hybrid && Relay != RelayState.Live)
        {
            Relay = RelayState.Failed;
            RelayDetail = $"no confirmation within {waited.TotalSeconds:0} s (the relay keeps trying for a while; buyers move to HLS if it comes up)";
            SwitchMode(StreamMode.AgoraOnly, $"The CDN relay did not start within {waited.TotalSeconds:0} s. Buyers are served from Agora.", now, FallbackCause.Deadline);
        }

        if (Recording == RecordingState.Starting)
        {
            Recording = RecordingState.Failed;
            RecordingDetail = $"no confirmation within {waited.TotalSeconds:0} s (it may still start)";
        }

        TryGoLive(now);
        return Transition.Done;
    }

    /// <summary>Seller, admin or an expired grace period stops the session.</summary>
    public Result<StreamSession> RequestStop(string reason, DateTimeOffset now, TimeSpan stopDeadline)
    {
        if (State == SessionState.Stopping)
        {
            return this; // already stopping: the same answer again
        }

        if (State is not (SessionState.Starting or SessionState.Live))
        {
            return Error.Conflict("The stream is not live.", $"Session {Id} is {State.ToString().ToLowerInvariant()}.");
        }

        State = SessionState.Stopping;
        StopReason = reason;
        StopRequestedAt = now;
        StopDeadline = now + stopDeadline;
        StartDeadline = null;
        GraceDeadline = null;
        if (Recording != RecordingState.Stopped)
        {
            Recording = RecordingState.Stopping;
        }

        if (RequestedMode == StreamMode.Hybrid && Relay != RelayState.Stopped)
        {
            // The relay tears down whatever it created, even after a failure, and says so.
            Relay = RelayState.Stopping;
        }

        Raise(new StreamStopRequested(Id, ChannelId, now, reason));
        return this;
    }

    public Transition OnRecordingStopped(decimal minutes, int fileCount, DateTimeOffset now)
    {
        if (State is SessionState.Ended or SessionState.Failed)
        {
            return Transition.Ignored($"recording stopped after the session {State.ToString().ToLowerInvariant()}");
        }

        Recording = RecordingState.Stopped;
        RecordingMinutes = minutes;
        RecordingFileCount = fileCount;
        TryEnd(now);
        return Transition.Done;
    }

    public Transition OnRelayStopped(decimal minutes, DateTimeOffset now)
    {
        if (State is SessionState.Ended or SessionState.Failed)
        {
            return Transition.Ignored($"relay stopped after the session {State.ToString().ToLowerInvariant()}");
        }

        if (Relay == RelayState.NotUsed)
        {
            return Transition.Ignored("the relay is not used by this agora-only session");
        }

        Relay = RelayState.Stopped;
        RelayMinutes = minutes;
        TryEnd(now);
        return Transition.Done;
    }

    /// <summary>The stop was not confirmed in time: the session ends anyway, saying what did not confirm.</summary>
    public Transition OnStopDeadlinePassed(DateTimeOffset now)
    {
        if (State != SessionState.Stopping || StopDeadline > now)
        {
            return Transition.Ignored("not stopping, or the deadline has not passed");
        }

        var missing = new List<string>();
        if (Recording != RecordingState.Stopped)
        {
            missing.Add("recording");
        }

        if (Relay is not (RelayState.Stopped or RelayState.NotUsed))
        {
            missing.Add("relay");
        }

        End(now, $"Stop not confirmed in time by: {string.Join(", ", missing)}. Check the worker logs; provider resources may need manual cleanup.");
        return Transition.Done;
    }

    public Transition OnSellerLeft(uint uid, long sequence, string reason, DateTimeOffset now, TimeSpan grace)
    {
        if (uid != SellerUid || State is not (SessionState.Starting or SessionState.Live))
        {
            return Transition.Ignored("not the seller of an active session");
        }

        if (sequence < SellerPresenceSequence)
        {
            return Transition.Ignored("an older presence event than the last one applied");
        }

        SellerPresenceSequence = sequence;
        if (GraceDeadline is not null)
        {
            return Transition.Ignored("the seller is already away");
        }

        GraceDeadline = now + grace;
        Raise(new SellerLeftChannel(Id, ChannelId, now, AgoraChannelName, uid, reason));
        return Transition.Done;
    }

    public Transition OnSellerJoined(uint uid, long sequence, DateTimeOffset now)
    {
        if (uid != SellerUid || State is not (SessionState.Starting or SessionState.Live))
        {
            return Transition.Ignored("not the seller of an active session");
        }

        if (sequence < SellerPresenceSequence)
        {
            return Transition.Ignored("an older presence event than the last one applied");
        }

        SellerPresenceSequence = sequence;
        if (GraceDeadline is null)
        {
            return Transition.Ignored("the seller was not away");
        }

        GraceDeadline = null;
        Raise(new SellerRejoinedChannel(Id, ChannelId, now, AgoraChannelName, uid));
        return Transition.Done;
    }

    /// <summary>The seller stayed away for the whole grace period: stop, as if they had pressed stop.</summary>
    public Transition OnGraceExpired(DateTimeOffset now, TimeSpan stopDeadline)
    {
        if (GraceDeadline is null || GraceDeadline > now || State is not (SessionState.Starting or SessionState.Live))
        {
            return Transition.Ignored("no grace period has expired");
        }

        RequestStop("grace-expired", now, stopDeadline);
        return Transition.Done;
    }

    /// <summary>The live input disconnected while buyers were on HLS: they fall back to Agora until it connects again.</summary>
    public Transition OnRelayInputDisconnected(string status, DateTimeOffset now)
    {
        if (Relay != RelayState.Live || State is not (SessionState.Live or SessionState.Starting))
        {
            return Transition.Ignored($"relay is {Relay}");
        }

        Relay = RelayState.Disconnected;
        RelayDetail = $"the live input reported {status}";
        Raise(new RelayInputDisconnected(Id, ChannelId, now, LiveInputUid ?? "", status));
        // A seller who left the channel stops the push too: Agora has nothing to show either, so buyers
        // stay where they are until the seller returns or the grace period stops the session.
        if (State == SessionState.Live && Mode == StreamMode.Hybrid && GraceDeadline is null)
        {
            SwitchMode(StreamMode.AgoraOnly, $"The CDN live input reported {status}. Buyers are served from Agora until it reconnects.", now, FallbackCause.InputDisconnected);
        }

        return Transition.Done;
    }

    /// <summary>The live input connected again: buyers who fell back with it return to HLS (within the switch limit).</summary>
    public Transition OnRelayInputConnected(DateTimeOffset now, int maxModeSwitches)
    {
        if (Relay != RelayState.Disconnected)
        {
            return Transition.Ignored($"relay is {Relay}");
        }

        Relay = RelayState.Live;
        RelayDetail = null;
        if (State == SessionState.Live && Mode == StreamMode.AgoraOnly && RequestedMode == StreamMode.Hybrid && RelayHlsUrl is not null)
        {
            ReturnToHybrid("The CDN live input reconnected; buyers are moved back to HLS.", "the live input reconnected", now, maxModeSwitches);
        }

        return Transition.Done;
    }

    /// <summary>
    /// The viewers' usage, counted while the session was live, goes out with the end: called in the
    /// transaction that ended the session, so <see cref="ViewerUsageReported"/> commits with
    /// <see cref="StreamEnded"/> — one per session, zeros when nobody watched.
    /// </summary>
    public Transition ReportViewerUsage(ViewerUsage usage, DateTimeOffset now)
    {
        if (!AwaitsViewerUsage)
        {
            return Transition.Ignored(State == SessionState.Ended ? "viewer usage already reported" : $"the session is {State}, not ended");
        }

        PeakViewers = usage.PeakViewers;
        UniqueViewers = usage.UniqueViewers;
        HlsViewerMinutes = usage.HlsMinutes;
        AgoraViewerMinutes = usage.AgoraMinutes;
        ViewerUsageComplete = usage.Complete && !PresenceIncomplete;
        Raise(new ViewerUsageReported(
            Id, ChannelId, now, usage.HlsMinutes + usage.AgoraMinutes, usage.PeakViewers, usage.HlsMinutes, usage.AgoraMinutes, usage.UniqueViewers, ViewerUsageComplete.Value));
        return Transition.Done;
    }

    /// <summary>Back to hybrid on the relay's URL, unless the session has used up its switches (then it stays, saying so).</summary>
    private Transition ReturnToHybrid(string reason, string what, DateTimeOffset now, int maxModeSwitches)
    {
        Relay = RelayState.Live;
        if (ModeSwitches >= maxModeSwitches)
        {
            RelayDetail = $"{what}, but the session has already switched between HLS and Agora {ModeSwitches} times "
                + $"(HYBRID_MAX_MODE_SWITCHES = {maxModeSwitches}); buyers stay on Agora until the stop, and the relay is torn down then";
            return Transition.Ignored("the session reached its mode switch limit");
        }

        RelayDetail = null;
        SwitchMode(StreamMode.Hybrid, reason, now);
        TryGoLive(now);
        return Transition.Done;
    }

    /// <summary>
    /// Moves buyers to <paramref name="mode"/>: the HLS URL they get, the reason the status shows, the mode
    /// history, and <see cref="StreamModeChanged"/> for everyone else.
    /// </summary>
    private void SwitchMode(StreamMode mode, string reason, DateTimeOffset now, string? fallbackCause = null)
    {
        if (mode == StreamMode.AgoraOnly && fallbackCause is not null)
        {
            _fallbacks.Add(fallbackCause);
        }

        Mode = mode;
        HlsPlaybackUrl = mode == StreamMode.Hybrid ? RelayHlsUrl : null;
        Reason = mode == StreamMode.AgoraOnly ? reason : null;
        ModeHistory = [.. ModeHistory ?? [], new ModeChange(now, mode, reason)];
        Raise(new StreamModeChanged(Id, ChannelId, now, mode, HlsPlaybackUrl, reason, ModeSwitches));
    }

    private void TryGoLive(DateTimeOffset now)
    {
        var recordingAnswered = Recording is RecordingState.Recording or RecordingState.Failed;
        var relayReady = Mode == StreamMode.AgoraOnly || Relay == RelayState.Live;
        if (State != SessionState.Starting || !recordingAnswered || !relayReady)
        {
            return;
        }

        State = SessionState.Live;
        LiveAt = now;
        StartDeadline = null;
        Raise(new StreamWentLive(Id, ChannelId, now, Mode, HlsPlaybackUrl));
    }

    private void TryEnd(DateTimeOffset now)
    {
        var relayDone = Relay is RelayState.Stopped or RelayState.NotUsed;
        if (State == SessionState.Stopping && Recording == RecordingState.Stopped && relayDone)
        {
            End(now, null);
        }
    }

    private void End(DateTimeOffset now, string? problem)
    {
        State = SessionState.Ended;
        EndedAt = now;
        StopDeadline = null;
        GraceDeadline = null;
        // An ended session's reason says how it ended; why it ran in each mode stays in the mode history.
        Reason = problem ?? (StopReason is { } stop ? $"stopped: {stop}" : Reason);

        var liveSeconds = LiveAt is { } live ? (long)Math.Max(0, (now - live).TotalSeconds) : 0;
        Raise(new StreamEnded(Id, ChannelId, now, Mode, liveSeconds, StopReason ?? "unknown"));
    }

    private void Raise(IIntegrationEvent integrationEvent) => _events.Add(integrationEvent);
}
