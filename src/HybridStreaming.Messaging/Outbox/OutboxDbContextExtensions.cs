using HybridStreaming.Contracts;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Messaging.Outbox;

public static class OutboxDbContextExtensions
{
    /// <summary>
    /// Queues <paramref name="integrationEvent"/> for publication. It is written by the next
    /// <c>SaveChanges</c>, in the same transaction as the state change — both commit or neither does.
    /// Events are published in order per session.
    /// </summary>
    public static OutboxMessage AddIntegrationEvent<TEvent>(this DbContext db, TEvent integrationEvent, TimeProvider? clock = null)
        where TEvent : class, IIntegrationEvent =>
        db.AddIntegrationEvent(integrationEvent, integrationEvent.SessionId, clock);

    /// <summary>Queues any message, ordered with the other messages of <paramref name="aggregateId"/>.</summary>
    public static OutboxMessage AddIntegrationEvent<TMessage>(this DbContext db, TMessage message, Guid aggregateId, TimeProvider? clock = null)
        where TMessage : class
    {
        // The runtime type, not TMessage: callers often hold an event as IIntegrationEvent, and the relay
        // must be able to deserialize and publish it as the concrete record.
        var row = OutboxMessage.Create(message, message.GetType(), aggregateId, (clock ?? TimeProvider.System).GetUtcNow());
        db.Set<OutboxMessage>().Add(row);
        return row;
    }
}
