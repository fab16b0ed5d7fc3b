namespace HybridStreaming.Contracts.Cost;

/// <summary>The ledger for a finished session was written.</summary>
public sealed record SessionCostRecorded(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    decimal TotalUsd,
    decimal AgoraOnlyUsd,
    decimal SavingsPercent) : IIntegrationEvent;
