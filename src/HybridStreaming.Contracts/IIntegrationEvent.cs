namespace HybridStreaming.Contracts;

/// <summary>
/// What every integration event carries (architecture §8). The outbox orders publication per
/// <see cref="SessionId"/>, the aggregate every event belongs to.
/// </summary>
public interface IIntegrationEvent
{
    Guid SessionId { get; }

    Guid ChannelId { get; }

    DateTimeOffset OccurredAt { get; }
}
