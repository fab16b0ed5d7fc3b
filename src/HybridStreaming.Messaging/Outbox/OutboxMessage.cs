using System.Text.Json;

namespace HybridStreaming.Messaging.Outbox;

/// <summary>
/// An integration event waiting to be published. Written in the same transaction as the state change
/// that raised it; the <see cref="OutboxRelay{TDbContext}"/> publishes it after commit and deletes it.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
    }

    /// <summary>Global insertion order; publication follows it per aggregate.</summary>
    public long SequenceNumber { get; private set; }

    /// <summary>Becomes the MassTransit MessageId, so a republished row is recognised by inboxes.</summary>
    public Guid MessageId { get; private set; }

    /// <summary>The aggregate (for integration events: the session) whose events are published in order.</summary>
    public Guid AggregateId { get; private set; }

    /// <summary>Assembly-qualified name without version, e.g. <c>HybridStreaming.Contracts.Channels.StreamEnded, HybridStreaming.Contracts</c>.</summary>
    public string MessageType { get; private set; } = "";

    public string Body { get; private set; } = "";

    /// <summary>W3C trace context of the transaction that wrote the event, so its trace continues through the broker.</summary>
    public string? TraceParent { get; private set; }

    public string? TraceState { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>Failed publication attempts so far (for operators; a failing row blocks only its own aggregate).</summary>
    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    public static OutboxMessage Create(object message, Type messageType, Guid aggregateId, DateTimeOffset now)
    {
        var trace = StoredTraceContext.Current;
        return new OutboxMessage
        {
            MessageId = Guid.CreateVersion7(now),
            AggregateId = aggregateId,
            MessageType = OutboxMessageTypes.NameOf(messageType),
            Body = JsonSerializer.Serialize(message, messageType, MessagingJson.Options),
            TraceParent = trace.TraceParent,
            TraceState = trace.TraceState,
            CreatedAt = now,
        };
    }
}
