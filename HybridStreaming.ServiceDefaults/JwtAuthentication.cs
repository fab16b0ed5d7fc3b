using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// JWT bearer authentication shared by the gateway and the services. Production: an external identity
/// provider (<c>JWT_AUTHORITY</c> + <c>JWT_AUDIENCE</c>, keys from its discovery document). Development:
/// a symmetric key (<c>JWT_ISSUER</c>, <c>JWT_AUDIENCE</c>, <c>JWT_SIGNING_KEY</c>), the one the gateway's
/// <c>/api/dev/token</c> signs with. Tokens carry <c>sub</c> (the user) and <c>role</c> (seller, buyer, admin).
/// </summary>
public static class JwtAuthentication
{
    public const string SellerPolicy = "seller";
    public const string AdminPolicy = "admin";
    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    public static class Roles
    {
        public const string Seller = "seller";
        public const string Buyer = "buyer";
        public const string Admin = "admin";

        public static readonly string[] All = [Seller, Buyer, Admin];
    }

    public sealed record Settings(string? Authority, string? Issuer, string Audience, string? SigningKey)
    {
        public bool UsesSigningKey => Authority is null;

        public SymmetricSecurityKey? SecurityKey =>
            SigningKey is null ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey));
    }

    /// <summary>The JWT settings, or a start-up error that lists every missing or malformed value.</summary>
    public static Settings ReadSettings(IConfiguration configuration)
    {
        var authority = Value(configuration, "JWT_AUTHORITY");
        var issuer = Value(configuration, "JWT_ISSUER");
        var audience = Value(configuration, "JWT_AUDIENCE");
        var key = Value(configuration, "JWT_SIGNING_KEY");
        var problems = new List<string>();
        if (audience is null)
        {
            problems.Add("JWT_AUDIENCE is missing");
        }

        if (authority is null)
        {
            if (issuer is null)
            {
                problems.Add("JWT_ISSUER is missing (or set JWT_AUTHORITY for an external identity provider)");
            }

            if (key is null)
            {
                problems.Add("JWT_SIGNING_KEY is missing (or set JWT_AUTHORITY for an external identity provider)");
            }
            else if (Encoding.UTF8.GetByteCount(key) < 32)
            {
                problems.Add("JWT_SIGNING_KEY must be at least 32 bytes");
            }
        }
        else if (!Uri.TryCreate(authority, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            problems.Add("JWT_AUTHORITY must be an absolute http(s) URL");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Authentication is not configured: " + string.Join("; ", problems) + ".");
        }

        return new Settings(authority, issuer, audience!, authority is null ? key : null);
    }

    public static TBuilder AddJwtAuthentication<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var settings = ReadSettings(builder.Configuration);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.Audience = settings.Audience;
            if (settings.UsesSigningKey)
            {
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKey = settings.SecurityKey,
                    NameClaimType = SubjectClaim,
                    RoleClaimType = RoleClaim,
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
            }
            else
            {
                options.Authority = settings.Authority;
                options.TokenValidationParameters.NameClaimType = SubjectClaim;
                options.TokenValidationParameters.RoleClaimType = RoleClaim;
            }
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(SellerPolicy, policy => policy.RequireRole(Roles.Seller, Roles.Admin))
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    private static string? Value(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value.Trim() : null;
}
