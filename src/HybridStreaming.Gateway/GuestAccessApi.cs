using System.Security.Claims;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.Gateway;

/// <param name="ViewerId">The viewer id the client kept from an earlier guest token (<c>g-</c> + 32 hex digits), so it counts as the same viewer.</param>
public sealed record GuestRequest(string? ViewerId);

/// <summary>
/// <c>POST /api/viewers/guest</c>: a buyer watching from a shared link, without an account, gets a guest
/// token (<see cref="GuestTokens"/>: role <c>viewer</c>, at most 2 h). Renewing: send the current guest
/// token as the bearer, or the kept <c>viewerId</c> in the body; either keeps the viewer id. Rate-limited
/// per client address (<see cref="EdgeLimits.Guest"/>).
/// </summary>
internal static class GuestAccessApi
{
    public static IEndpointRouteBuilder MapGuestAccessApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/viewers/guest", (GuestRequest? request, HttpContext context, GuestTokens guests, TimeProvider clock) =>
        {
            if (!guests.Enabled)
            {
                return Results.Problem(
                    title: "Guest access is off.",
                    detail: "This platform does not issue guest tokens (GUEST_TOKEN_SIGNING_KEY is not set); sign in to watch.",
                    statusCode: StatusCodes.Status404NotFound);
            }

            var renewing = context.User.IsInRole(JwtAuthentication.Roles.Viewer)
                ? context.User.FindFirstValue(JwtAuthentication.SubjectClaim)
                : null;
            if (renewing is null && request?.ViewerId is { } kept && !GuestTokens.IsViewerId(kept))
            {
                return Results.ValidationProblem(
                    new Dictionary<string, string[]> { ["viewerId"] = ["viewerId must be one this platform issued: 'g-' and 32 lower-case hex digits (or left out for a new one)."] },
                    title: "The request is invalid.");
            }

            var viewerId = renewing ?? request?.ViewerId ?? GuestTokens.NewViewerId();
            return Results.Ok(guests.Issue(viewerId, clock.GetUtcNow()));
        })
        .AllowAnonymous()
        .RequireRateLimiting(EdgeLimits.Guest)
        .WithTags("Viewers")
        .WithSummary("A guest token for watching without an account");
        return app;
    }
}
