using System.Globalization;
using System.Security.Claims;
using HybridStreaming.Contracts;
using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.Cost.Api.Api;

/// <summary>The answer of <c>GET /api/costs/estimate</c>; amounts in unrounded USD.</summary>
public sealed record EstimateResponse(
    CostBreakdown Hybrid,
    CostBreakdown AgoraOnly,
    decimal? SavingsPercent,
    int? BreakEvenViewers,
    string PriceTableVersion);

/// <summary>The validated query of <c>GET /api/costs/estimate</c>.</summary>
public sealed record EstimateQuery(long Viewers, decimal Minutes, RecordingTier Tier, AudienceType Audience)
{
    public const long MaxViewers = 10_000_000;
    public const decimal MaxMinutes = 7 * 24 * 60;

    /// <summary>
    /// Parses the raw query values; on failure returns the errors per field (camelCase, like the Channel
    /// API's validation). Tier defaults to <c>hd</c>, audience to <c>interactive</c>.
    /// </summary>
    public static (EstimateQuery? Query, Dictionary<string, string[]> Errors) Parse(string? viewers, string? minutes, string? tier, string? audience)
    {
        var errors = new Dictionary<string, string[]>();
        long viewerCount = 0;
        decimal minuteCount = 0;
        if (string.IsNullOrWhiteSpace(viewers))
        {
            errors["viewers"] = ["Viewers is required."];
        }
        else if (!long.TryParse(viewers, NumberStyles.Integer, CultureInfo.InvariantCulture, out viewerCount)
                 || viewerCount < 0 || viewerCount > MaxViewers)
        {
            errors["viewers"] = [$"Viewers must be a whole number from 0 to {MaxViewers:N0}."];
        }

        if (string.IsNullOrWhiteSpace(minutes))
        {
            errors["minutes"] = ["Minutes is required."];
        }
        else if (!decimal.TryParse(minutes, NumberStyles.Number, CultureInfo.InvariantCulture, out minuteCount)
                 || minuteCount <= 0 || minuteCount > MaxMinutes)
        {
            errors["minutes"] = [$"Minutes must be a number greater than 0 and at most {MaxMinutes:0} (7 days)."];
        }

        var recordingTier = RecordingTier.Hd;
        if (!string.IsNullOrWhiteSpace(tier) && !TryParseTier(tier, out recordingTier))
        {
            errors["tier"] = [$"Tier must be one of {string.Join(", ", Tiers.Keys)}."];
        }

        var audienceType = AudienceType.Interactive;
        if (!string.IsNullOrWhiteSpace(audience) && !TryParseAudience(audience, out audienceType))
        {
            errors["audience"] = ["Audience must be interactive or broadcast."];
        }

        return errors.Count > 0
            ? (null, errors)
            : (new EstimateQuery(viewerCount, minuteCount, recordingTier, audienceType), errors);
    }

    private static readonly IReadOnlyDictionary<string, RecordingTier> Tiers = WireNames<RecordingTier>();
    private static readonly IReadOnlyDictionary<string, AudienceType> Audiences = WireNames<AudienceType>();

    private static bool TryParseTier(string value, out RecordingTier tier) => Tiers.TryGetValue(value.Trim(), out tier);

    private static bool TryParseAudience(string value, out AudienceType audience) => Audiences.TryGetValue(value.Trim(), out audience);

    /// <summary>An enum's values by the names the API spells them in JSON (its <c>[JsonStringEnumMemberName]</c>), in declaration order.</summary>
    private static Dictionary<string, T> WireNames<T>()
        where T : struct, Enum
    {
        var names = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in typeof(T).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
        {
            var name = field.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute), inherit: false)
                .Cast<System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute>().FirstOrDefault()?.Name ?? field.Name;
            names[name] = (T)field.GetValue(null)!;
        }

        return names;
    }
}

/// <summary>
/// <c>/api/costs</c>: cost estimates for account holders; the ledger's sessions, channels, summary and
/// days for sellers (their own sessions) and admins (everyone's). Guests get 403 at the gateway and here.
/// </summary>
public static class CostsApi
{
    public static IEndpointRouteBuilder MapCostsApi(this IEndpointRouteBuilder app)
    {
        var costs = app.MapGroup("/api/costs").RequireAuthorization().WithTags("Costs");

        costs.MapGet("/estimate", (string? viewers, string? minutes, string? tier, string? audience, CostModel model) =>
                Estimate(model, viewers, minutes, tier, audience))
            .WithSummary("Hybrid vs Agora-only cost of an audience watching the whole duration, with savings and break-even.");

        var ledger = costs.MapGroup("").RequireAuthorization(JwtAuthentication.SellerPolicy);

        ledger.MapGet("/sessions/{sessionId:guid}", async Task<IResult> (Guid sessionId, ClaimsPrincipal user, CostReports reports, CancellationToken cancellationToken) =>
                await reports.SessionAsync(sessionId, ViewerOf(user), cancellationToken) is { } session
                    ? TypedResults.Ok(session)
                    : TypedResults.Problem(
                        statusCode: StatusCodes.Status404NotFound,
                        title: "No cost is known for this session.",
                        detail: "The cost service has heard nothing of this session yet, or it belongs to another seller."))
            .WithSummary("A session's ledger (current revision): actual and counterfactual items, both totals, savings and break-even.");

        ledger.MapGet("/channels/{channelId:guid}", async Task<IResult> (Guid channelId, string? from, string? to, ClaimsPrincipal user, CostReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var (period, errors) = CostPeriod.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
                if (period is null)
                {
                    return TypedResults.ValidationProblem(errors, title: "The period is invalid.");
                }

                var viewer = ViewerOf(user);
                if (!await reports.MaySeeChannelAsync(channelId, viewer, cancellationToken))
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No costs are known for this channel.");
                }

                return TypedResults.Ok(await reports.TotalsAsync(period, viewer, channelId, cancellationToken));
            })
            .WithSummary("A channel's totals over a period: cost, the Agora-only equivalent, savings, cost per 1,000 viewer-hours and sessions by mode.");

        ledger.MapGet("/summary", async Task<IResult> (string? from, string? to, ClaimsPrincipal user, CostReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var (period, errors) = CostPeriod.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
                return period is null
                    ? TypedResults.ValidationProblem(errors, title: "The period is invalid.")
                    : TypedResults.Ok(await reports.TotalsAsync(period, ViewerOf(user), channelId: null, cancellationToken));
            })
            .WithSummary("Totals over a period for the caller's sessions (an admin's: all).");

        ledger.MapGet("/daily", async Task<IResult> (string? from, string? to, ClaimsPrincipal user, CostReports reports, TimeProvider clock, CancellationToken cancellationToken) =>
            {
                var (period, errors) = CostPeriod.Parse(from, to, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
                return period is null
                    ? TypedResults.ValidationProblem(errors, title: "The period is invalid.")
                    : TypedResults.Ok(await reports.DailyAsync(period, ViewerOf(user), cancellationToken));
            })
            .WithSummary("One row per UTC day of the period with the actual total and the Agora-only equivalent.");

        return app;
    }

    /// <summary>An admin reads everyone's costs, a seller their own.</summary>
    private static CostViewer ViewerOf(ClaimsPrincipal user) =>
        user.IsInRole(JwtAuthentication.Roles.Admin)
            ? new CostViewer(null)
            : new CostViewer(user.FindFirstValue(JwtAuthentication.SubjectClaim) ?? throw new InvalidOperationException("The access token has no 'sub'."));

    /// <summary>The endpoint's logic without HTTP: 400 with the errors per field, or the estimate.</summary>
    public static IResult Estimate(CostModel model, string? viewers, string? minutes, string? tier, string? audience)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (query, errors) = EstimateQuery.Parse(viewers, minutes, tier, audience);
        if (query is null)
        {
            return TypedResults.ValidationProblem(errors, title: "The estimate's query is invalid.");
        }

        var estimate = model.Estimate(query.Viewers, query.Minutes, query.Tier, query.Audience);
        return TypedResults.Ok(new EstimateResponse(
            estimate.Hybrid, estimate.AgoraOnly, estimate.SavingsPercent, estimate.BreakEvenViewers, model.Prices.Version));
    }
}
