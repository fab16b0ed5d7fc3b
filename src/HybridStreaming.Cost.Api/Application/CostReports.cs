using System.Globalization;
using HybridStreaming.Contracts;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Cost.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Cost.Api.Application;

/// <summary>Whose costs a caller may read: an admin's are everyone's (<see cref="SellerId"/> null), a seller's their own.</summary>
public sealed record CostViewer(string? SellerId)
{
    public bool Sees(SessionLedger ledger) => SellerId is null || string.Equals(ledger.SellerId, SellerId, StringComparison.Ordinal);
}

/// <summary>A range of whole UTC days, both ends included.</summary>
public sealed record CostPeriod(DateOnly From, DateOnly To)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>Parses <c>from</c>/<c>to</c> (yyyy-MM-dd, optional: the last 30 days ending today); errors per field.</summary>
    public static (CostPeriod? Period, Dictionary<string, string[]> Errors) Parse(string? from, string? to, DateOnly today)
    {
        var errors = new Dictionary<string, string[]>();
        var last = ParseDate("to", to, today, errors);
        var first = ParseDate("from", from, last.AddDays(-(DefaultDays - 1)), errors);
        if (errors.Count == 0)
        {
            if (first > last)
            {
                errors["from"] = ["From must be on or before to."];
            }
            else if (last.DayNumber - first.DayNumber + 1 > MaxDays)
            {
                errors["to"] = [$"The range may span at most {MaxDays} days."];
            }
        }

        return errors.Count > 0 ? (null, errors) : (new CostPeriod(first, last), errors);
    }

    private static DateOnly ParseDate(string field, string? value, DateOnly fallback, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        if (DateOnly.TryParseExact(value.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        errors[field] = [$"{char.ToUpperInvariant(field[0])}{field[1..]} must be a date written yyyy-MM-dd."];
        return fallback;
    }
}

public sealed record SessionUsageResponse(
    decimal SellerMinutes,
    decimal RecordingMinutes,
    decimal RelayMinutes,
    decimal HlsViewerMinutes,
    decimal AgoraViewerMinutes,
    decimal ViewerMinutes,
    int? PeakViewers,
    int? UniqueViewers,
    bool? ViewerUsageComplete);

/// <summary>A ledger line as the API shows it.</summary>
public sealed record LedgerLineResponse(
    string Basis, StreamMode Mode, string Provider, string Name, decimal Quantity, decimal UnitPricePer1000, decimal Amount, bool Confirmed);

/// <summary>The answer of <c>GET /api/costs/sessions/{id}</c>: the current revision of the session's ledger.</summary>
public sealed record SessionCostResponse(
    Guid SessionId,
    Guid ChannelId,
    string? SellerId,
    string Status,
    StreamMode? Mode,
    StreamMode? RequestedMode,
    RecordingTier? Tier,
    AudienceType Audience,
    int Revision,
    IReadOnlyList<string> Unconfirmed,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    SessionUsageResponse Usage,
    CostBreakdown? Actual,
    CostBreakdown? Counterfactual,
    decimal? HybridTotal,
    decimal? AgoraOnlyTotal,
    decimal? SavingsPercent,
    int? BreakEvenViewers,
    string? PriceTableVersion,
    DateTimeOffset? RecordedAt,
    IReadOnlyList<LedgerLineResponse> Lines);

public sealed record SessionsByMode(int Hybrid, int AgoraOnly);

/// <summary>Totals over the written sessions of a period (and a channel); amounts unrounded USD.</summary>
public sealed record CostTotalsResponse(
    Guid? ChannelId,
    DateOnly From,
    DateOnly To,
    int Sessions,
    SessionsByMode SessionsByMode,
    decimal Total,
    decimal AgoraOnlyEquivalent,
    decimal HybridEquivalent,
    decimal? SavingsPercent,
    decimal ViewerMinutes,
    decimal? CostPer1000ViewerHours,
    int ProvisionalSessions);

public sealed record DailyCostRow(DateOnly Date, int Sessions, decimal Total, decimal AgoraOnlyEquivalent, decimal? SavingsPercent);

public sealed record DailyCostsResponse(DateOnly From, DateOnly To, IReadOnlyList<DailyCostRow> Days);

/// <summary>
/// Reads the ledger for the API. Every report is a fixed number of SQL commands whatever the number of
/// sessions (a session: its row and its current lines; totals and days: one grouped query each).
/// Sessions count on the UTC day they ended (<see cref="SessionLedger.EndedOn"/>).
/// </summary>
public sealed class CostReports(CostsDbContext db, CostModel model)
{
    public async Task<SessionCostResponse?> SessionAsync(Guid sessionId, CostViewer viewer, CancellationToken cancellationToken)
    {
        var ledger = await db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.SessionId == sessionId, cancellationToken);
        if (ledger is null || !viewer.Sees(ledger))
        {
            return null;
        }

        var lines = ledger.Revision == 0
            ? []
            : await db.Lines.AsNoTracking()
                .Where(l => l.SessionId == sessionId && l.Revision == ledger.Revision)
                .ToListAsync(cancellationToken);

        CostBreakdown? Breakdown(LedgerBasis basis) => ledger.Revision == 0
            ? null
            : new CostBreakdown(
                basis == LedgerBasis.Actual ? ledger.ActualTotal!.Value : ledger.CounterfactualTotal!.Value,
                [.. Ordered(lines.Where(l => l.Basis == basis)).Select(l => new CostItem(l.Item, l.Provider, l.Quantity, l.UnitPricePer1000, l.Amount))]);

        var usage = ledger.Usage();
        return new SessionCostResponse(
            ledger.SessionId,
            ledger.ChannelId,
            ledger.SellerId,
            ledger.Status switch
            {
                LedgerStatus.Complete => "complete",
                LedgerStatus.Provisional => "provisional",
                _ => "collecting",
            },
            ledger.ActualMode ?? ledger.EndedMode,
            ledger.RequestedMode,
            ledger.Tier,
            ledger.Audience,
            ledger.Revision,
            ledger.Revision == 0 ? ledger.MissingFacts : ledger.Unconfirmed,
            ledger.StartRequestedAt,
            ledger.EndedAt,
            new SessionUsageResponse(
                usage.SellerMinutes, usage.RecordingMinutes, usage.RelayMinutes, usage.HlsViewerMinutes, usage.AgoraViewerMinutes,
                ledger.ViewerMinutes ?? usage.AllViewerMinutes, ledger.PeakViewers, ledger.UniqueViewers, ledger.ViewerUsageComplete),
            Breakdown(LedgerBasis.Actual),
            Breakdown(LedgerBasis.Counterfactual),
            ledger.HybridTotal,
            ledger.AgoraOnlyTotal,
            ledger.Revision == 0 ? null : CostModel.Savings(ledger.HybridTotal!.Value, ledger.AgoraOnlyTotal!.Value) * 100m,
            ledger.Revision == 0 ? null : model.BreakEvenViewers(usage.Tier, usage.Audience),
            ledger.PriceTableVersion,
            ledger.RecordedAt,
            [.. Ordered(lines).Select(l => new LedgerLineResponse(
                l.Basis == LedgerBasis.Actual ? "actual" : "counterfactual", l.Mode, l.Provider, l.Item, l.Quantity, l.UnitPricePer1000, l.Amount, l.Confirmed))]);
    }

    /// <summary>
    /// Whether a seller may read a channel's costs: no session of it belongs to someone else. (The cost
    /// service learns a channel's owner from its sessions; a channel without any shows zeros.)
    /// </summary>
    public async Task<bool> MaySeeChannelAsync(Guid channelId, CostViewer viewer, CancellationToken cancellationToken) =>
        viewer.SellerId is null
        || !await db.Sessions.AsNoTracking().AnyAsync(
            s => s.ChannelId == channelId && s.SellerId != null && s.SellerId != viewer.SellerId, cancellationToken);

    public async Task<CostTotalsResponse> TotalsAsync(CostPeriod period, CostViewer viewer, Guid? channelId, CancellationToken cancellationToken)
    {
        var totals = await Written(period, viewer, channelId)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Sessions = g.Count(),
                Hybrid = g.Count(s => s.ActualMode == StreamMode.Hybrid),
                Provisional = g.Count(s => s.Status == LedgerStatus.Provisional),
                Total = g.Sum(s => s.ActualTotal) ?? 0m,
                AgoraOnly = g.Sum(s => s.AgoraOnlyTotal) ?? 0m,
                HybridTotal = g.Sum(s => s.HybridTotal) ?? 0m,
                ViewerMinutes = g.Sum(s => s.PricedViewerMinutes) ?? 0m,
            })
            .SingleOrDefaultAsync(cancellationToken);

        var sessions = totals?.Sessions ?? 0;
        var total = totals?.Total ?? 0m;
        var agoraOnly = totals?.AgoraOnly ?? 0m;
        var viewerMinutes = totals?.ViewerMinutes ?? 0m;
        return new CostTotalsResponse(
            channelId,
            period.From,
            period.To,
            sessions,
            new SessionsByMode(totals?.Hybrid ?? 0, sessions - (totals?.Hybrid ?? 0)),
            total,
            agoraOnly,
            totals?.HybridTotal ?? 0m,
            CostModel.Savings(total, agoraOnly) * 100m,
            viewerMinutes,
            viewerMinutes == 0m ? null : total / (viewerMinutes / 60m) * 1000m,
            totals?.Provisional ?? 0);
    }

    public async Task<DailyCostsResponse> DailyAsync(CostPeriod period, CostViewer viewer, CancellationToken cancellationToken)
    {
        // One grouped query; days without a session are filled in below.
        var rows = await Written(period, viewer, channelId: null)
            .GroupBy(s => s.EndedOn)
            .Select(g => new
            {
                Day = g.Key!.Value,
                Sessions = g.Count(),
                Total = g.Sum(s => s.ActualTotal) ?? 0m,
                AgoraOnly = g.Sum(s => s.AgoraOnlyTotal) ?? 0m,
            })
            .ToDictionaryAsync(row => row.Day, cancellationToken);

        var days = new List<DailyCostRow>(period.Days);
        for (var day = period.From; day <= period.To; day = day.AddDays(1))
        {
            var found = rows.TryGetValue(day, out var row);
            var total = found ? row!.Total : 0m;
            var agoraOnly = found ? row!.AgoraOnly : 0m;
            days.Add(new DailyCostRow(day, found ? row!.Sessions : 0, total, agoraOnly, CostModel.Savings(total, agoraOnly) * 100m));
        }

        return new DailyCostsResponse(period.From, period.To, days);
    }

    private IQueryable<SessionLedger> Written(CostPeriod period, CostViewer viewer, Guid? channelId)
    {
        var (from, to) = (period.From, period.To);
        var query = db.Sessions.AsNoTracking().Where(s => s.Revision > 0 && s.EndedOn >= from && s.EndedOn <= to);
        if (viewer.SellerId is { } seller)
        {
            query = query.Where(s => s.SellerId == seller);
        }

        if (channelId is { } channel)
        {
            query = query.Where(s => s.ChannelId == channel);
        }

        return query;
    }

    /// <summary>Lines in the order the model lists its items.</summary>
    private static IEnumerable<LedgerLine> Ordered(IEnumerable<LedgerLine> lines) =>
        lines.OrderBy(l => l.Basis).ThenBy(l => CostItems.PositionOf(l.Item));
}
