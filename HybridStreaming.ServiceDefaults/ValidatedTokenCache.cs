using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// A <see cref="JsonWebTokenHandler"/> that remembers the tokens it found valid. A buyer's player sends the
/// same token with every heartbeat and read for hours, and at the gateway validating it (decoding, the
/// signature, the claims) costs more than answering the cached read itself. A token validated once is
/// accepted again without that work until it expires, for at most <see cref="MaxReuse"/> (so a changed
/// key or issuer setting applies within minutes) — the same answer the full validation would give, since a
/// JWT cannot be revoked before it expires anyway. Only successes are kept; at most
/// <see cref="Capacity"/> tokens (then it starts over). Each caller gets its own copy of the identity.
/// </summary>
public sealed class ValidatedTokenCache : JsonWebTokenHandler
{
    public const int Capacity = 100_000;

    public static readonly TimeSpan MaxReuse = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Entry> _valid = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;

    public ValidatedTokenCache(TimeProvider clock)
    {
        _clock = clock;
        MapInboundClaims = false;
    }

    public int Count => _valid.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = _clock.GetUtcNow();
        if (_valid.TryGetValue(token, out var entry))
        {
            if (entry.Until > now)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = entry.Result.ClaimsIdentity.Clone(),
                    SecurityToken = entry.Result.SecurityToken,
                    Issuer = entry.Result.Issuer,
                    TokenType = entry.Result.TokenType,
                };
            }

            _valid.TryRemove(new KeyValuePair<string, Entry>(token, entry));
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { ValidTo: var validTo } && validTo > now.UtcDateTime)
        {
            if (_valid.Count >= Capacity)
            {
                _valid.Clear();
            }

            var until = new DateTimeOffset(validTo, TimeSpan.Zero);
            _valid[token] = new Entry(result, until < now + MaxReuse ? until : now + MaxReuse);
        }

        return result;
    }

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset Until);
}
