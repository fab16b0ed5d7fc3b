using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
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
/// Next to them, guest tokens the platform signs itself (<see cref="GuestTokens"/>, role <c>viewer</c>)
/// are accepted where <see cref="ViewerPolicy"/> allows them — viewer routes only; everywhere else
/// (the default policy) a guest is authenticated but forbidden (403).
/// </summary>
public static class JwtAuthentication
{
    public const string SellerPolicy = "seller";
    public const string AdminPolicy = "admin";

    /// <summary>Watching: any account holder, or a guest. The channel list and a channel, playback, status, viewer counts, heartbeats, subscriber RTC tokens.</summary>
    public const string ViewerPolicy = "viewer";

    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    /// <summary>The scheme for the identity provider's (or the development key's) tokens.</summary>
    public const string AccountScheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>The scheme for the platform's own guest tokens.</summary>
    public const string GuestScheme = "Guest";

    /// <summary>The default scheme: looks at a bearer token's header and hands it to the scheme that can validate it.</summary>
    public const string TokenScheme = "Token";

    public static class Roles
    {
        public const string Seller = "seller";
        public const string Buyer = "buyer";
        public const string Admin = "admin";

        /// <summary>A guest watching from a shared link: no account, viewer routes only.</summary>
        public const string Viewer = "viewer";

        /// <summary>The roles of account holders (what the development token endpoint hands out).</summary>
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
        var guests = GuestTokens.ReadSettings(builder.Configuration, settings.Audience);
        builder.Services.AddSingleton(guests);
        var authentication = builder.Services.AddAuthentication(TokenScheme)
            .AddPolicyScheme(TokenScheme, "Account or guest token", options =>
                options.ForwardDefaultSelector = context => guests.Enabled && GuestTokens.IsGuestToken(context.Request.Headers.Authorization)
                    ? GuestScheme
                    : AccountScheme)
            .AddJwtBearer(AccountScheme, options =>
            {
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new ValidatedTokenCache(TimeProvider.System));
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
        if (guests.Enabled)
        {
            authentication.AddJwtBearer(GuestScheme, options =>
            {
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new ValidatedTokenCache(TimeProvider.System));
                options.MapInboundClaims = false;
                options.TokenValidationParameters = guests.ValidationParameters();
            });
        }

        // No schemes named in the policies: the default scheme (TokenScheme) already authenticated the request,
        // and naming it would make every authorization authenticate again and merge the principals.
        var member = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Roles.All).Build();
        builder.Services.AddAuthorizationBuilder()
            // RequireAuthorization() without a policy: account holders only, so a guest gets 403 there.
            .SetDefaultPolicy(member)
            .AddPolicy(ViewerPolicy, policy => policy.RequireAuthenticatedUser().RequireRole([.. Roles.All, Roles.Viewer]))
            .AddPolicy(SellerPolicy, policy => policy.RequireRole(Roles.Seller, Roles.Admin))
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    private static string? Value(IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value ? value.Trim() : null;
}
