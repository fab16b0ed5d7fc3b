using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Recording;

namespace HybridStreaming.Recording.Worker.Domain;

public enum RecordingTaskState
{
    /// <summary>Waiting to acquire a resource and start.</summary>
    Pending,

    /// <summary>Started; waiting for <c>query</c> to report the recorder running.</summary>
    Starting,

    Recording,

    /// <summary>Could not start; reported with <c>RecordingFailed</c>.</summary>
    Failed,

    Stopped,
}

/// <summary>
/// Cloud Recording for one session: acquire → start → query until recording → stop. A database row
/// driven by a processor, so a crash or a provider outage resumes where it was; a stop that arrives
/// before the start is remembered (tombstone) and wins.
/// </summary>
public sealed class RecordingTask : IHasIntegrationEvents
{
    private readonly List<IIntegrationEvent> _events = [];

    private RecordingTask()
    {
    }

    public Guid SessionId { get; private set; }

    public Guid ChannelId { get; private set; }

    public string ChannelName { get; private set; } = "";

    /// <summary>The uid the recorder joins as (4,000,000,000 and up are reserved for recorders).</summary>
    public uint RecorderUid { get; private set; }

    public RecordingTaskState State { get; private set; }

    public bool StopRequested { get; private set; }

    public string? ResourceId { get; private set; }

    public DateTimeOffset? ResourceAcquiredAt { get; private set; }

    public string? Sid { get; private set; }

    public DateTimeOffset RequestedAt { get; private set; }

    public DateTimeOffset? RecordingSince { get; private set; }

    public DateTimeOffset? StoppedAt { get; private set; }

    public decimal Minutes { get; private set; }

    public List<RecordingFile> Files { get; private set; } = [];

    public RecordingTier Tier { get; private set; } = RecordingTier.Hd;

    public string? FailureReason { get; private set; }

    public string? LastError { get; private set; }

    public int Attempts { get; private set; }

    /// <summary>When the processor should look at the task next; null when nothing is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    /// <summary>Until when a processor owns the task (several replicas share the table).</summary>
    public DateTimeOffset? LeaseUntil { get; private set; }

    /// <summary>When starting is given up on and reported as failed.</summary>
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

    public bool IsFinished => State is RecordingTaskState.Stopped || (State is RecordingTaskState.Failed && !StopRequested);

    public static RecordingTask Request(Guid sessionId, Guid channelId, string channelName, uint recorderUid, DateTimeOffset now, TimeSpan startTimeout) => new()
    {
        SessionId = sessionId,
        ChannelId = channelId,
        ChannelName = channelName,
        RecorderUid = recorderUid,
        State = RecordingTaskState.Pending,
        RequestedAt = now,
        NextAttemptAt = now,
        StartGiveUpAt = now + startTimeout,
    };

    /// <summary>A stop for a session whose start has not arrived (yet): remembered, and answered.</summary>
    public static RecordingTask Tombstone(Guid sessionId, Guid channelId, DateTimeOffset now)
    {
        var task = Request(sessionId, channelId, "", 0, now, TimeSpan.Zero);
        task.StopRequested = true;
        return task;
    }

    /// <summary>A start for a task that exists: a redelivery, or the start arriving after its stop. Nothing to do.</summary>
    public bool AcceptStart(string channelName, uint recorderUid)
    {
        if (ChannelName.Length > 0)
        {
            return false;
        }

        // The tombstone learns what it stands for, for the record.
        ChannelName = channelName;
        RecorderUid = recorderUid;
        return false;
    }

    /// <returns>Whether this is news: false for a task already stopping or stopped.</returns>
    public bool RequestStop(DateTimeOffset now)
    {
        if (StopRequested || State == RecordingTaskState.Stopped)
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

    public void Acquired(string resourceId, DateTimeOffset now)
    {
        ResourceId = resourceId;
        ResourceAcquiredAt = now;
        LastError = null;
    }

    /// <summary>The resource expired or was refused: the next attempt acquires a new one.</summary>
    public void ForgetResource(string why, DateTimeOffset now)
    {
        ResourceId = null;
        ResourceAcquiredAt = null;
        LastError = why;
        NextAttemptAt = now;
    }

    /// <summary>Another recorder holds this uid in the channel: use the next one.</summary>
    public void ChangeRecorderUid(uint uid, string why, DateTimeOffset now)
    {
        RecorderUid = uid;
        ForgetResource(why, now);
    }

    public void Started(string sid, DateTimeOffset now, TimeSpan pollAfter)
    {
        Sid = sid;
        State = RecordingTaskState.Starting;
        LastError = null;
        LeaseUntil = null;
        NextAttemptAt = now + pollAfter;
    }

    public void StillStarting(DateTimeOffset now, TimeSpan pollAfter)
    {
        LeaseUntil = null;
        NextAttemptAt = now + pollAfter;
    }

    public void Recording(DateTimeOffset now)
    {
        State = RecordingTaskState.Recording;
        RecordingSince = now;
        LeaseUntil = null;
        LastError = null;
        NextAttemptAt = StopRequested ? now : null;
        _events.Add(new RecordingStarted(SessionId, ChannelId, now, ResourceId ?? "", Sid ?? ""));
    }

    public void Fail(string reason, DateTimeOffset now)
    {
        State = RecordingTaskState.Failed;
        FailureReason = reason;
        LeaseUntil = null;
        NextAttemptAt = StopRequested ? now : null;
        _events.Add(new RecordingFailed(SessionId, ChannelId, now, reason));
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

    /// <summary>Stopped: how long it recorded and what it wrote (nothing when it never ran or nobody published).</summary>
    public void Stopped(IReadOnlyList<RecordingFile> files, RecordingTier tier, DateTimeOffset now, string? note = null)
    {
        State = RecordingTaskState.Stopped;
        StoppedAt = now;
        Files = [.. files];
        Tier = tier;
        Minutes = RecordingSince is { } since ? decimal.Round((decimal)(now - since).TotalMinutes, 3) : 0m;
        LastError = note;
        LeaseUntil = null;
        NextAttemptAt = null;
        _events.Add(new RecordingStopped(SessionId, ChannelId, now, Minutes, [.. Files], tier));
    }
}
