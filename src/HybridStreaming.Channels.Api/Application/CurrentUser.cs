using System.Security.Claims;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>Who is calling: the <c>sub</c> and <c>role</c> of the validated access token.</summary>
public interface ICurrentUser
{
    string Id { get; }

    string Role { get; }

    bool IsAdmin => Role == JwtAuthentication.Roles.Admin;

    bool IsSeller => Role == JwtAuthentication.Roles.Seller;

    /// <summary>A guest with a platform-signed viewer token (their <see cref="Id"/> is their kept viewer id).</summary>
    bool IsGuest => Role == JwtAuthentication.Roles.Viewer;
}

internal sealed class HttpCurrentUser(IHttpContextAccessor accessor) : ICurrentUser
{
    private ClaimsPrincipal Principal =>
        accessor.HttpContext?.User ?? throw new InvalidOperationException("No HTTP request: there is no current user.");

    public string Id => Principal.FindFirstValue(JwtAuthentication.SubjectClaim)
        ?? throw new InvalidOperationException("The access token has no 'sub'.");

    public string Role => Principal.FindFirstValue(JwtAuthentication.RoleClaim) ?? "";
}
