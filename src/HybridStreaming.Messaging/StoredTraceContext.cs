using System.Diagnostics;

namespace HybridStreaming.Messaging;

/// <summary>
/// A W3C trace context kept on a row, so work that runs later from that row (a task step the
/// <see cref="Database.DueTaskProcessor{TDbContext}"/> picks up from a background loop) continues the
/// trace that asked for it instead of starting a trace of its own.
/// </summary>
/// <param name="TraceParent">The <c>traceparent</c> (an activity's W3C <see cref="Activity.Id"/>), or null when there was no trace.</param>
/// <param name="TraceState">The vendors' <c>tracestate</c>, if any.</param>
public readonly record struct StoredTraceContext(string? TraceParent, string? TraceState)
{
    /// <summary>Column size for <see cref="TraceParent"/> (a W3C traceparent is 55 characters).</summary>
    public const int TraceParentMaxLength = 128;

    /// <summary>Column size for <see cref="TraceState"/>; a longer tracestate is not kept (the trace still continues).</summary>
    public const int TraceStateMaxLength = 512;

    /// <summary>The context of <see cref="Activity.Current"/>: in a consumer, MassTransit's activity, parented on the message's trace.</summary>
    public static StoredTraceContext Current => Of(Activity.Current);

    public static StoredTraceContext Of(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id }
            ? new(id, activity.TraceStateString is { Length: <= TraceStateMaxLength } state ? state : null)
            : default;

    /// <summary>
    /// The parent for an activity that continues this trace, as a remote one (so a sampler that records
    /// nothing still propagates its trace id); <c>default</c> (no parent) when there is none or it does not parse.
    /// </summary>
    public ActivityContext ToParent() =>
        ActivityContext.TryParse(TraceParent, TraceState, isRemote: true, out var parent) ? parent : default;
}
