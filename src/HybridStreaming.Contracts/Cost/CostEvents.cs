namespace HybridStreaming.Contracts.Cost;

/// <summary>
/// A revision of a finished session's cost ledger was written: when its facts were complete, or at the
/// ledger's deadline with some missing (<paramref name="Complete"/> false; a later fact writes a new
/// revision and publishes again). Amounts are unrounded USD.
/// </summary>
/// <param name="SellerId">The channel's owner; null when <c>StreamStartRequested</c> never arrived.</param>
/// <param name="Mode">The mode priced as actual (the one the session ended in).</param>
/// <param name="TotalUsd">What the session actually cost.</param>
/// <param name="AgoraOnlyUsd">The session's cost served by Agora alone (actual or counterfactual).</param>
/// <param name="HybridUsd">The session's cost as hybrid (actual or counterfactual).</param>
/// <param name="SavingsPercent">(1 − hybrid ÷ agora-only) × 100, signed; null when agora-only costs 0.</param>
/// <param name="Revision">1 for the first write, then one more per rewrite.</param>
/// <param name="Unconfirmed">The facts that had not arrived (counted as zero).</param>
/// <param name="PriceTableVersion">The price table the ledger was priced with.</param>
public sealed record SessionCostRecorded(
    Guid SessionId,
    Guid ChannelId,
    DateTimeOffset OccurredAt,
    string? SellerId,
    StreamMode Mode,
    decimal TotalUsd,
    decimal AgoraOnlyUsd,
    decimal HybridUsd,
    decimal? SavingsPercent,
    int Revision,
    bool Complete,
    string[] Unconfirmed,
    string PriceTableVersion) : IIntegrationEvent;
