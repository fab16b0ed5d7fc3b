using System.Security.Claims;
using HybridStreaming.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HybridStreaming.Gateway;

public sealed record DevTokenRequest(string? UserId, string? Role);

public sealed record DevTokenResponse(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>
/// <c>POST /api/dev/token</c>: an access token for any user and role, signed with the development key —
/// so the seller and buyer apps, tests and curl can be used without an identity provider. It exists only
/// in Development and only when a signing key (not an external authority) is configured.
/// </summary>
internal static class DevTokenApi
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    /// <summary>Whether <c>POST /api/dev/token</c> is mapped: Development, and tokens signed with the development key.</summary>
    public static bool IsEnabled(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsDevelopment() && JwtAuthentication.ReadSettings(configuration).UsesSigningKey;

    public static IEndpointRouteBuilder MapDevTokenApi(this WebApplication app)
    {
        if (!IsEnabled(app.Environment, app.Configuration))
        {
            return app;
        }

        var settings = JwtAuthentication.ReadSettings(app.Configuration);
        var handler = new JsonWebTokenHandler();
        var credentials = new SigningCredentials(settings.SecurityKey, SecurityAlgorithms.HmacSha256);
        app.MapPost("/api/dev/token", (DevTokenRequest request, TimeProvider clock) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(request.UserId) || request.UserId.Length > 128)
            {
                errors["userId"] = ["userId is required (1–128 characters)."];
            }

            if (request.Role is null || !JwtAuthentication.Roles.All.Contains(request.Role))
            {
                errors["role"] = [$"role must be one of: {string.Join(", ", JwtAuthentication.Roles.All)}."];
            }

            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, title: "The request is invalid.");
            }

            var now = clock.GetUtcNow();
            var token = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = settings.Issuer,
                Audience = settings.Audience,
                Subject = new ClaimsIdentity(
                [
                    new Claim(JwtAuthentication.SubjectClaim, request.UserId!.Trim()),
                    new Claim(JwtAuthentication.RoleClaim, request.Role!),
                ]),
                IssuedAt = now.UtcDateTime,
                NotBefore = now.UtcDateTime,
                Expires = (now + Lifetime).UtcDateTime,
                SigningCredentials = credentials,
            });
            return Results.Ok(new DevTokenResponse(token, now + Lifetime));
        }).AllowAnonymous().WithTags("Development");
        return app;
    }
}
