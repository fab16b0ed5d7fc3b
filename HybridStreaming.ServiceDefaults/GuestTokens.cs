using System.Buffers;
using System.Buffers.Text;
using System.Security.Claims;
using System.Text;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HybridStreaming.ServiceDefaults;

/// <summary>The token a guest watches with.</summary>
public sealed record GuestToken(string AccessToken, string ViewerId, DateTimeOffset ExpiresAt);

/// <summary>
/// Guest access: buyers who watch from a shared link without an account get a short-lived token the
/// platform signs with a key of its own (<c>GUEST_TOKEN_SIGNING_KEY</c>, at least 32 bytes; the AppHost
/// generates one in Development), never the identity provider's. The token's <c>sub</c> is the guest's
/// <c>viewerId</c> (<c>g-</c> + 32 hex digits, kept by the client so unique viewers mean something), its
/// role <c>viewer</c>; lifetime <c>GUEST_TOKEN_LIFETIME_SECONDS</c> (default and maximum 2 h). Without a
/// key guest access is off: such tokens are not accepted and none are issued.
/// </summary>
public sealed class GuestTokens
{
    /// <summary>The <c>kid</c> of guest tokens: how the default scheme tells them from account tokens without validating twice.</summary>
    public const string KeyId = "hybridstreaming-guest";

    public const string DefaultIssuer = "hybridstreaming-guests";

    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(2);

    private static readonly byte[] KeyIdJson = Encoding.UTF8.GetBytes($"\"kid\":\"{KeyId}\"");

    private readonly SymmetricSecurityKey? _key;
    private readonly JsonWebTokenHandler _handler = new();

    private GuestTokens(string issuer, string audience, TimeSpan lifetime, string? signingKey)
    {
        Issuer = issuer;
        Audience = audience;
        Lifetime = lifetime;
        _key = signingKey is null ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)) { KeyId = KeyId };
    }

    public bool Enabled => _key is not null;

    public string Issuer { get; }

    public string Audience { get; }

    public TimeSpan Lifetime { get; }

    /// <summary>The guest settings, or a start-up error naming each malformed value.</summary>
    public static GuestTokens ReadSettings(IConfiguration configuration, string audience)
    {
        var problems = new ConfigurationProblems("Guest access");
        var key = configuration["GUEST_TOKEN_SIGNING_KEY"] is { Length: > 0 } value ? value.Trim() : null;
        if (key is not null && Encoding.UTF8.GetByteCount(key) < 32)
        {
            problems.Add("GUEST_TOKEN_SIGNING_KEY", "must be at least 32 bytes.");
        }

        var lifetime = TimeSpan.FromSeconds(problems.WholeNumber(
            configuration, "GUEST_TOKEN_LIFETIME_SECONDS", (int)MaxLifetime.TotalSeconds, 60, (int)MaxLifetime.TotalSeconds));
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(problems.ToString());
        }

        var issuer = configuration["GUEST_TOKEN_ISSUER"] is { Length: > 0 } configured ? configured.Trim() : DefaultIssuer;
        return new GuestTokens(issuer, audience, lifetime, key);
    }

    /// <summary>Guest tokens with <paramref name="signingKey"/>, the default issuer and lifetime (what tools and tests sign with).</summary>
    public static GuestTokens WithKey(string signingKey, string audience) =>
        Encoding.UTF8.GetByteCount(signingKey) >= 32
            ? new GuestTokens(DefaultIssuer, audience, MaxLifetime, signingKey)
            : throw new ArgumentException("A guest token signing key has at least 32 bytes.", nameof(signingKey));

    /// <summary>A new viewer id: <c>g-</c> and 32 hex digits.</summary>
    public static string NewViewerId() => "g-" + Guid.NewGuid().ToString("N");

    /// <summary>Whether <paramref name="viewerId"/> has the form this class hands out.</summary>
    public static bool IsViewerId(string? viewerId) =>
        viewerId is { Length: 34 } && viewerId.StartsWith("g-", StringComparison.Ordinal) && viewerId.AsSpan(2).ContainsAnyExcept("0123456789abcdef") is false;

    public GuestToken Issue(string viewerId, DateTimeOffset now)
    {
        if (_key is null)
        {
            throw new InvalidOperationException("Guest access is off: GUEST_TOKEN_SIGNING_KEY is not set.");
        }

        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtAuthentication.SubjectClaim, viewerId),
                new Claim(JwtAuthentication.RoleClaim, JwtAuthentication.Roles.Viewer),
            ]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return new GuestToken(token, viewerId, expires);
    }

    public TokenValidationParameters ValidationParameters() => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = _key,
        NameClaimType = JwtAuthentication.SubjectClaim,
        RoleClaimType = JwtAuthentication.RoleClaim,
        ClockSkew = TimeSpan.FromSeconds(30),
    };

    /// <summary>
    /// Whether the bearer token in <paramref name="authorization"/> names the guest key in its header.
    /// Only routes the token to the scheme that validates it; a forged header fails that validation.
    /// </summary>
    internal static bool IsGuestToken(StringValues authorization)
    {
        var value = authorization.Count == 1 ? authorization[0] : null;
        if (value is null || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var token = value.AsSpan(7).Trim();
        var dot = token.IndexOf('.');
        if (dot <= 0 || dot > 512)
        {
            return false;
        }

        Span<byte> encoded = stackalloc byte[dot];
        for (var i = 0; i < dot; i++)
        {
            encoded[i] = (byte)token[i];
        }

        Span<byte> header = stackalloc byte[Base64Url.GetMaxDecodedLength(dot)];
        return Base64Url.DecodeFromUtf8(encoded, header, out _, out var written) == OperationStatus.Done
            && header[..written].IndexOf(KeyIdJson) >= 0;
    }
}
