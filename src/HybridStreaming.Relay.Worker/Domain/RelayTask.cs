using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Relay;

namespace HybridStreaming.Relay.Worker.Domain;

public enum RelayTaskState
{
    /// <summary>An agora-only session: the relay was not asked to do anything.</summary>
    NotRequired,

    /// <summary>Waiting to create the Cloudflare live input.</summary>
    Pending,

    /// <summary>The live input exists; the Media Push converter is next.</summary>
    InputCreated,

    /// <summary>The converter exists; waiting for the input to report connected.</summary>
    Forwarding,

    /// <summary>Media arrives: RelayStarted was reported with the HLS URL.</summary>
    Live,

    /// <summary>Could not start; RelayFailed was reported (whatever was created is torn down at stop).</summary>
    Failed,

    Stopped,
}

/// <summary>
/// The CDN path of one session: Cloudflare live input → Agora Media Push converter (the RTMP
/// forwarding) → input connected → RelayStarted; at stop, converter deleted and input disabled →
/// RelayStopped; after the retention, the input is deleted (its recording stays a video).
/// </summary>
public sealed class RelayTask : IHasIntegrationEvents
{
    private readonly List<IIntegrationEvent> _events = [];

    private RelayTask()
    {
    }

    public Guid SessionId { get; private set; }

    public Guid ChannelId { get; private set; }

    public string ChannelName { get; private set; } = "";

    /// <summary>The seller's RTC uid: the converter forwards exactly this stream.</summary>
    public uint SellerUid { get; private set; }

    public RelayTaskState State { get; private set; }

    public bool StopRequested { get; private set; }

    public string? LiveInputUid { get; private set; }

    /// <summary>Deterministic per session, so a retried create finds the converter it made (409) instead of pushing twice.</summary>
    public string ConverterName => ConverterNameOf(SessionId);

    public string? ConverterId { get; private set; }

    public string? HlsPlaybackUrl { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public DateTimeOffset? LiveSince { get; private set; }

    public DateTimeOffset? StoppedAt { get; private set; }

    public decimal Minutes { get; private set; }

    public bool InputDeleted { get; private set; }

    /// <summary>
    /// After a failed start, the converter was deleted and the live input disabled at once (not at the
    /// stop): a relay that gave up costs nothing while the session runs on Agora.
    /// </summary>
    public bool ReleasedAfterFailure { get; private set; }

    /// <summary>
    /// <c>RelayFailed</c> went out while the start keeps being retried (a provider's circuit breaker was
    /// open): the session falls back at once, and returns to hybrid if the relay comes up within the grace.
    /// </summary>
    public bool FailureReported { get; private set; }

    /// <summary>A failed start that still holds provider resources, to release now.</summary>
    public bool AwaitsRelease => State == RelayTaskState.Failed && !StopRequested && !ReleasedAfterFailure
        && (ConverterId is not null || LiveInputUid is not null);

    public string? FailureReason { get; private set; }

    public string? LastError { get; private set; }

    public int Attempts { get; private set; }

    public DateTimeOffset? NextAttemptAt { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public DateTimeOffset StartGiveUpAt { get; private set; }

    /// <summary>
    /// W3C trace context of the message that made the task's work due (the go-live, the stop): the
    /// processor runs each step under an activity parented on it, so the step's provider calls and events
    /// belong to that trace. Null on rows from before it was kept.
    /// </summary>
    public string? TraceParent { get; private set; }

    public string? TraceState { get; private set; }

    public uint Version { get; private set; }

    public IReadOnlyList<IIntegrationEvent> PendingEvents => _events;

    public void ClearPendingEvents() => _events.Clear();

    public static string ConverterNameOf(Guid sessionId) => "hs_" + sessionId.ToString("N");

    public static RelayTask Request(Guid sessionId, Guid channelId, string channelName, uint sellerUid, DateTimeOffset now, TimeSpan startTimeout) => new()
    {
        SessionId = sessionId,
        ChannelId = channelId,
        ChannelName = channelName,
        SellerUid = sellerUid,
        State = RelayTaskState.Pending,
        RequestedAt = now,
        NextAttemptAt = now,
        StartGiveUpAt = now + startTimeout,
    };

    /// <summary>Agora-only session: remembered, so its stop is recognised and needs nothing.</summary>
    public static RelayTask NotRequired(Guid sessionId, Guid channelId, string channelName, DateTimeOffset now) => new()
    {
        SessionId = sessionId,
        ChannelId = channelId,
        ChannelName = channelName,
        State = RelayTaskState.NotRequired,
        RequestedAt = now,
        StartGiveUpAt = now,
    };

    /// <summary>A stop for a session whose start has not arrived: remembered; the late start is then ignored.</summary>
    public static RelayTask Tombstone(Guid sessionId, Guid channelId, DateTimeOffset now)
    {
        var task = Request(sessionId, channelId, "", 0, now, TimeSpan.Zero);
        task.StopRequested = true;
        return task;
    }

    /// <returns>Whether this is news: false for a task already stopping or stopped, or an agora-only one (nothing to stop).</returns>
    public bool RequestStop(DateTimeOffset now)
    {
        if (StopRequested || State is RelayTaskState.Stopped or RelayTaskState.NotRequired)
        {
            return false;
        }

        StopRequested = true;
        NextAttemptAt = now;
        return true;
    }

    /// <summary>The steps from now on continue this trace: the one of the message being handled, which gave the task its work.</summary>
    public void ContinueTrace(string? traceParent, string? traceState)
    {
        TraceParent = traceParent;
        TraceState = traceParent is null ? null : traceState;
    }

    public void Lease(DateTimeOffset until) => LeaseUntil = until;

    public void InputCreated(string liveInputUid, DateTimeOffset now)
    {
        LiveInputUid = liveInputUid;
        State = RelayTaskState.InputCreated;
        Continue(now);
    }

    public void ConverterCreated(string converterId, DateTimeOffset now, TimeSpan pollAfter)
    {
        ConverterId = converterId;
        State = RelayTaskState.Forwarding;
        Continue(now + pollAfter);
    }

    public void StillConnecting(DateTimeOffset now, TimeSpan pollAfter) => Continue(now + pollAfter);

    public void Live(string hlsPlaybackUrl, DateTimeOffset now)
    {
        State = RelayTaskState.Live;
        HlsPlaybackUrl = hlsPlaybackUrl;
        LiveSince = now;
        LastError = null;
        LeaseUntil = null;
        NextAttemptAt = StopRequested ? now : null;
        _events.Add(new RelayStarted(SessionId, ChannelId, now, LiveInputUid ?? "", hlsPlaybackUrl));
    }

    public void Fail(string reason, DateTimeOffset now)
    {
        State = RelayTaskState.Failed;
        FailureReason = reason;
        LeaseUntil = null;
        // Due at once to stop, or to release what the failed start created.
        NextAttemptAt = StopRequested || AwaitsRelease ? now : null;
        _events.Add(new RelayFailed(SessionId, ChannelId, now, reason));
    }

    /// <summary>
    /// The start cannot go on now but may later (a provider is unavailable): the session is told once, so its
    /// buyers move to Agora without waiting for the deadline, and the start is tried again after <paramref name="delay"/>.
    /// </summary>
    public void FailingForNow(string reason, DateTimeOffset now, TimeSpan delay)
    {
        if (!FailureReported)
        {
            FailureReported = true;
            _events.Add(new RelayFailed(SessionId, ChannelId, now, reason));
        }

        RetryLater(reason, now, delay);
    }

    /// <summary>The failed start's converter is deleted and its input disabled; the stop later reports the relay stopped.</summary>
    public void Released(string? note = null)
    {
        ReleasedAfterFailure = true;
        ConverterId = null;
        LastError = note;
        LeaseUntil = null;
        NextAttemptAt = StopRequested ? NextAttemptAt : null;
    }

    /// <summary>Nothing is due (a wake-up for a task that is waiting for an event).</summary>
    public void Idle()
    {
        LeaseUntil = null;
        NextAttemptAt = null;
    }

    public void RetryLater(string error, DateTimeOffset now, TimeSpan delay)
    {
        Attempts++;
        LastError = error;
        LeaseUntil = null;
        NextAttemptAt = now + delay;
    }

    public void ConverterDeleted() => ConverterId = null;

    /// <summary>Torn down: the forwarding is gone and the input disabled. The input itself is deleted after <paramref name="retention"/>.</summary>
    public void Stopped(DateTimeOffset now, TimeSpan retention, string? note = null)
    {
        State = RelayTaskState.Stopped;
        StoppedAt = now;
        Minutes = LiveSince is { } since ? decimal.Round((decimal)(now - since).TotalMinutes, 3) : 0m;
        LastError = note;
        LeaseUntil = null;
        NextAttemptAt = LiveInputUid is null ? null : now + retention;
        _events.Add(new RelayStopped(SessionId, ChannelId, now, Minutes));
    }

    public void InputDeletedAfterRetention()
    {
        InputDeleted = true;
        LeaseUntil = null;
        NextAttemptAt = null;
    }

    private void Continue(DateTimeOffset at)
    {
        LastError = null;
        LeaseUntil = null;
        NextAttemptAt = at;
    }
}
