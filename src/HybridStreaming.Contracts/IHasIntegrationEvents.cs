namespace HybridStreaming.Contracts;

/// <summary>
/// An aggregate whose transitions raise integration events. Saving it through a service database
/// writes them to the outbox in the same transaction (see HybridStreaming.Messaging).
/// </summary>
public interface IHasIntegrationEvents
{
    IReadOnlyList<IIntegrationEvent> PendingEvents { get; }

    void ClearPendingEvents();
}
