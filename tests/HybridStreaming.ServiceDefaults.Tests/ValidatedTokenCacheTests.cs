using FluentAssertions;
using HybridStreaming.ServiceDefaults;
using Xunit;

namespace HybridStreaming.ServiceDefaults.Tests;

public sealed class ValidatedTokenCacheTests
{
    private const string Key = "validated-token-cache-tests-key-of-at-least-32-bytes";

    [Fact]
    public async Task A_valid_token_is_validated_once_and_each_caller_gets_its_own_identity()
    {
        var guests = GuestTokens.WithKey(Key, "hybridstreaming");
        var token = guests.Issue(GuestTokens.NewViewerId(), DateTimeOffset.UtcNow).AccessToken;
        var cache = new ValidatedTokenCache(TimeProvider.System);

        var first = await cache.ValidateTokenAsync(token, guests.ValidationParameters());
        var second = await cache.ValidateTokenAsync(token, guests.ValidationParameters());

        first.IsValid.Should().BeTrue();
        second.IsValid.Should().BeTrue();
        cache.Count.Should().Be(1);
        second.ClaimsIdentity.Should().NotBeSameAs(first.ClaimsIdentity, "callers may add to their identity");
        second.ClaimsIdentity.FindFirst(JwtAuthentication.SubjectClaim)!.Value
            .Should().Be(first.ClaimsIdentity.FindFirst(JwtAuthentication.SubjectClaim)!.Value);
    }

    [Fact]
    public async Task An_invalid_token_is_never_remembered_and_stays_invalid()
    {
        var trusted = GuestTokens.WithKey(Key, "hybridstreaming");
        var forged = GuestTokens.WithKey(new string('x', 40), "hybridstreaming").Issue(GuestTokens.NewViewerId(), DateTimeOffset.UtcNow).AccessToken;
        var expired = trusted.Issue(GuestTokens.NewViewerId(), DateTimeOffset.UtcNow.AddHours(-3)).AccessToken;
        var cache = new ValidatedTokenCache(TimeProvider.System);

        foreach (var token in new[] { forged, forged, expired, expired })
        {
            (await cache.ValidateTokenAsync(token, trusted.ValidationParameters())).IsValid.Should().BeFalse();
        }

        cache.Count.Should().Be(0);
    }
}
