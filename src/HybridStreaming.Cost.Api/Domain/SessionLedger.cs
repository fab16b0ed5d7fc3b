using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Cost;

namespace HybridStreaming.Cost.Api.Domain;

/// <summary>Where a session's ledger stands.</summary>
public enum LedgerStatus
{
    /// <summary>Facts are arriving; nothing is written yet.</summary>
    Collecting,

    /// <summary>Written at the deadline with some facts missing (<see cref="SessionLedger.Unconfirmed"/>).</summary>
    Provisional,

    /// <summary>Written with every fact the session needs.</summary>
    Complete,
}

/// <summary>The facts a session's cost is made of, one of each kind per session (docs/costs.md "The ledger").</summary>
public static class LedgerFacts
{
    public const string StreamStartRequested = "stream-start-requested";
    public const string StreamEnded = "stream-ended";
    public const string ViewerUsageReported = "viewer-usage-reported";
    public const string RecordingStopped = "recording-stopped";
    public const string RelayStopped = "relay-stopped";
}

/// <summary>
/// One session's cost: the facts the services reported about it, gathered in any order, and the ledger
/// written from them. Each fact is taken once — a second one of the same kind, under whatever message id,
/// changes nothing — so redelivery and duplicates are harmless. The ledger is written when the facts are
/// complete (<see cref="MissingFacts"/> is empty), or at <see cref="NextAttemptAt"/> (a deadline after the
/// stream ended) with what there is, the rest marked unconfirmed; a fact arriving after that writes a new
/// revision. Each written revision appends its lines (<see cref="PendingLines"/>) and raises
/// <see cref="SessionCostRecorded"/>; nothing written is ever changed.
/// </summary>
public sealed class SessionLedger : IHasIntegrationEvents
{
    private readonly List<IIntegrationEvent> _events = [];
    private readonly List<LedgerLine> _lines = [];

    private SessionLedger()
    {
    }

    public Guid SessionId { get; private set; }

    public Guid ChannelId { get; private set; }

    /// <summary>The seller who owns the channel (from <c>StreamStartRequested</c>); null until it arrives.</summary>
    public string? SellerId { get; private set; }

    public StreamMode? RequestedMode { get; private set; }

    public DateTimeOffset? StartRequestedAt { get; private set; }

    /// <summary>The mode the session ended in (<c>StreamEnded.Mode</c>).</summary>
    public StreamMode? EndedMode { get; private set; }

    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>The UTC day the session ended: the day its cost counts on in the reports.</summary>
    public DateOnly? EndedOn { get; private set; }

    public long? LiveSeconds { get; private set; }

    public decimal? RecordingMinutes { get; private set; }

    /// <summary>R: the recording tier (<c>RecordingStopped.Tier</c>, the recording worker's setting).</summary>
    public RecordingTier? Tier { get; private set; }

    public decimal? RelayMinutes { get; private set; }

    public decimal? ViewerMinutes { get; private set; }

    public decimal? HlsViewerMinutes { get; private set; }

    public decimal? AgoraViewerMinutes { get; private set; }

    public int? PeakViewers { get; private set; }

    public int? UniqueViewers { get; private set; }

    /// <summary>False when presence could not be counted for part of the session: viewer figures are a lower bound.</summary>
    public bool? ViewerUsageComplete { get; private set; }

    /// <summary>A: the audience type Agora viewers are priced at.</summary>
    public AudienceType Audience { get; private set; }

    public LedgerStatus Status { get; private set; }

    /// <summary>The number of ledger revisions written (0: none yet).</summary>
    public int Revision { get; private set; }

    /// <summary>The facts missing when the current revision was written.</summary>
    public string[] Unconfirmed { get; private set; } = [];

    /// <summary>The mode priced as actual in the current revision.</summary>
    public StreamMode? ActualMode { get; private set; }

    public decimal? ActualTotal { get; private set; }

    public decimal? CounterfactualTotal { get; private set; }

    public decimal? HybridTotal { get; private set; }

    public decimal? AgoraOnlyTotal { get; private set; }

    /// <summary>Viewer-minutes priced in the current revision (for cost per 1,000 viewer-hours).</summary>
    public decimal? PricedViewerMinutes { get; private set; }

    public string? PriceTableVersion { get; private set; }

    public DateTimeOffset? RecordedAt { get; private set; }

    /// <summary>Whether facts arrived since the current revision was written.</summary>
    public bool Stale { get; private set; }

    /// <summary>When the ledger is written whatever is missing (the deadline after <c>StreamEnded</c>); null when nothing is due.</summary>
    public DateTimeOffset? NextAttemptAt { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public string? TraceParent { get; private set; }

    public string? TraceState { get; private set; }

    /// <summary>Postgres <c>xmin</c>: two consumers of one session never both write.</summary>
    public uint Version { get; private set; }

    public IReadOnlyList<IIntegrationEvent> PendingEvents => _events;

    /// <summary>Lines of revisions written by this instance and not saved yet.</summary>
    public IReadOnlyList<LedgerLine> PendingLines => _lines;

    public void ClearPendingEvents()
    {
        _events.Clear();
        _lines.Clear();
    }

    public static SessionLedger Open(Guid sessionId, Guid channelId, AudienceType audience) => new()
    {
        SessionId = sessionId,
        ChannelId = channelId,
        Audience = audience,
        Status = LedgerStatus.Collecting,
    };

    /// <summary>The facts the ledger still needs: the relay's only when the <em>requested</em> mode was hybrid.</summary>
    public IReadOnlyList<string> MissingFacts
    {
        get
        {
            var missing = new List<string>(5);
            if (RequestedMode is null)
            {
                missing.Add(LedgerFacts.StreamStartRequested);
            }

            if (EndedAt is null)
            {
                missing.Add(LedgerFacts.StreamEnded);
            }

            if (ViewerMinutes is null)
            {
                missing.Add(LedgerFacts.ViewerUsageReported);
            }

            if (RecordingMinutes is null)
            {
                missing.Add(LedgerFacts.RecordingStopped);
            }

            if (RelayMinutes is null && RequestedMode is not StreamMode.AgoraOnly)
            {
                missing.Add(LedgerFacts.RelayStopped);
            }

            return missing;
        }
    }

    // Each fact is taken once: false when the ledger already had one of its kind (a duplicate).

    public bool StartRequested(string? sellerId, StreamMode mode, DateTimeOffset at)
    {
        if (RequestedMode is not null)
        {
            return false;
        }

        SellerId = sellerId;
        RequestedMode = mode;
        StartRequestedAt = at;
        return Took();
    }

    public bool Ended(StreamMode mode, long liveSeconds, DateTimeOffset at, DateTimeOffset now, TimeSpan deadline)
    {
        if (EndedAt is not null)
        {
            return false;
        }

        EndedMode = mode;
        LiveSeconds = Math.Max(0, liveSeconds);
        EndedAt = at;
        EndedOn = DateOnly.FromDateTime(at.UtcDateTime);
        // Counted from when this service heard of the end, not from the event's time: after a backlog the
        // facts that travel behind it still get the whole deadline.
        if (Revision == 0)
        {
            NextAttemptAt = now + deadline;
        }

        return Took();
    }

    public bool ViewerUsage(decimal viewerMinutes, decimal hlsViewerMinutes, decimal agoraViewerMinutes, int peakViewers, int uniqueViewers, bool complete)
    {
        if (ViewerMinutes is not null)
        {
            return false;
        }

        ViewerMinutes = Math.Max(0m, viewerMinutes);
        HlsViewerMinutes = Math.Max(0m, hlsViewerMinutes);
        AgoraViewerMinutes = Math.Max(0m, agoraViewerMinutes);
        PeakViewers = peakViewers;
        UniqueViewers = uniqueViewers;
        ViewerUsageComplete = complete;
        return Took();
    }

    public bool RecordingStoppedAfter(decimal minutes, RecordingTier tier)
    {
        if (RecordingMinutes is not null)
        {
            return false;
        }

        RecordingMinutes = Math.Max(0m, minutes);
        Tier = tier;
        return Took();
    }

    public bool RelayStoppedAfter(decimal minutes)
    {
        if (RelayMinutes is not null)
        {
            return false;
        }

        RelayMinutes = Math.Max(0m, minutes);
        return Took();
    }

    /// <summary>
    /// Writes a revision when it is time: the facts are complete, or the deadline has passed (a revision
    /// was written, or <see cref="NextAttemptAt"/> is due) and facts changed since. Returns whether it wrote.
    /// </summary>
    public bool RecordIfDue(CostModel model, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (EndedAt is null || (Revision > 0 && !Stale))
        {
            return false;
        }

        var missing = MissingFacts;
        var deadlinePassed = Revision > 0 || (NextAttemptAt is { } due && due <= now);
        if (missing.Count > 0 && !deadlinePassed)
        {
            return false;
        }

        Record(model, missing, now);
        return true;
    }

    /// <summary>The processor found nothing to do (the row was written already, or is not due).</summary>
    public void Idle()
    {
        LeaseUntil = null;
        NextAttemptAt = null;
    }

    public void ContinueTrace(string? traceParent, string? traceState)
    {
        TraceParent = traceParent;
        TraceState = traceState;
    }

    /// <summary>The usage the model prices; missing facts count as zero (and the tier as HD) — unconfirmed.</summary>
    public SessionUsage Usage() => new(
        SellerMinutes: (LiveSeconds ?? 0) / 60m,
        RecordingMinutes: RecordingMinutes ?? 0m,
        RelayMinutes: RelayMinutes ?? 0m,
        HlsViewerMinutes: HlsViewerMinutes ?? 0m,
        AgoraViewerMinutes: AgoraViewerMinutes ?? 0m,
        Tier: Tier ?? RecordingTier.Hd,
        Audience: Audience);

    private void Record(CostModel model, IReadOnlyList<string> missing, DateTimeOffset now)
    {
        var usage = Usage();
        var mode = EndedMode ?? RequestedMode ?? StreamMode.Hybrid;
        var cost = model.Session(usage, mode);

        Revision++;
        Status = missing.Count == 0 ? LedgerStatus.Complete : LedgerStatus.Provisional;
        Unconfirmed = [.. missing];
        ActualMode = cost.ActualMode;
        ActualTotal = cost.Actual.Total;
        CounterfactualTotal = cost.Counterfactual.Total;
        HybridTotal = cost.Comparison.Hybrid.Total;
        AgoraOnlyTotal = cost.Comparison.AgoraOnly.Total;
        PricedViewerMinutes = usage.AllViewerMinutes;
        PriceTableVersion = model.Prices.Version;
        RecordedAt = now;
        Stale = false;
        NextAttemptAt = null;
        LeaseUntil = null;

        var unconfirmed = missing.ToHashSet(StringComparer.Ordinal);
        var version = model.Prices.Version;
        AddLines(LedgerBasis.Actual, cost.ActualMode, cost.Actual, unconfirmed, relayFromSeller: false, version, now);
        var otherMode = cost.ActualMode == StreamMode.Hybrid ? StreamMode.AgoraOnly : StreamMode.Hybrid;
        // An agora-only session's hybrid counterfactual relays the seller's minutes.
        AddLines(LedgerBasis.Counterfactual, otherMode, cost.Counterfactual, unconfirmed, relayFromSeller: otherMode == StreamMode.Hybrid, version, now);

        _events.Add(new SessionCostRecorded(
            SessionId, ChannelId, now, SellerId, cost.ActualMode, cost.Actual.Total, cost.Comparison.AgoraOnly.Total,
            cost.Comparison.Hybrid.Total, cost.Comparison.SavingsPercent, Revision, Status == LedgerStatus.Complete,
            [.. missing], model.Prices.Version));
    }

    private void AddLines(
        LedgerBasis basis, StreamMode mode, CostBreakdown breakdown, HashSet<string> unconfirmed, bool relayFromSeller, string priceTableVersion, DateTimeOffset now)
    {
        foreach (var item in breakdown.Items)
        {
            _lines.Add(new LedgerLine
            {
                SessionId = SessionId,
                Revision = Revision,
                Basis = basis,
                Mode = mode,
                Provider = item.Provider,
                Item = item.Name,
                Quantity = item.Quantity,
                UnitPricePer1000 = item.UnitPricePer1000,
                Amount = item.Amount,
                Confirmed = !LedgerLine.SourcesOf(item.Name, relayFromSeller).Any(unconfirmed.Contains),
                PriceTableVersion = priceTableVersion,
                RecordedAt = now,
            });
        }
    }

    private bool Took()
    {
        if (Revision > 0)
        {
            Stale = true;
        }

        return true;
    }
}

/// <summary>Whether a ledger line prices what ran or what the other mode would have cost.</summary>
public enum LedgerBasis
{
    Actual,
    Counterfactual,
}

/// <summary>
/// One line of the append-only ledger: a provider's item in one revision of one session's cost, actual or
/// counterfactual, priced with the price table of <see cref="PriceTableVersion"/>. Keyed by session,
/// revision, basis and item: a revision is written once.
/// </summary>
public sealed class LedgerLine
{
    public Guid SessionId { get; init; }

    public int Revision { get; init; }

    public LedgerBasis Basis { get; init; }

    public StreamMode Mode { get; init; }

    public required string Provider { get; init; }

    public required string Item { get; init; }

    /// <summary>Minutes.</summary>
    public decimal Quantity { get; init; }

    public decimal UnitPricePer1000 { get; init; }

    public decimal Amount { get; init; }

    /// <summary>False when a fact the quantity comes from had not arrived (it counted as zero).</summary>
    public bool Confirmed { get; init; }

    public required string PriceTableVersion { get; init; }

    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>
    /// The facts an item's quantity and price come from: the tier R comes with <c>RecordingStopped</c>;
    /// with <paramref name="relayFromSeller"/> (an agora-only session's hybrid counterfactual) the seller's
    /// minutes stand in for the relay's.
    /// </summary>
    public static IReadOnlyList<string> SourcesOf(string item, bool relayFromSeller)
    {
        var relay = relayFromSeller ? LedgerFacts.StreamEnded : LedgerFacts.RelayStopped;
        return item switch
        {
            CostItems.Host => [LedgerFacts.StreamEnded, LedgerFacts.RecordingStopped],
            CostItems.Recording => [LedgerFacts.RecordingStopped],
            CostItems.MediaPush => [relay, LedgerFacts.RecordingStopped],
            CostItems.MediaPushTranscoding or CostItems.Storage => [relay],
            CostItems.Delivery => [LedgerFacts.ViewerUsageReported],
            CostItems.Audience => [LedgerFacts.ViewerUsageReported, LedgerFacts.RecordingStopped],
            _ => [],
        };
    }
}
