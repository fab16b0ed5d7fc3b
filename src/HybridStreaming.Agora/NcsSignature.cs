using System.Security.Cryptography;
using System.Text;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Agora;

/// <summary>Outcome of an NCS webhook signature check.</summary>
public enum NcsSignatureStatus
{
    /// <summary><c>Agora-Signature-V2</c> (HMAC-SHA256) matches.</summary>
    ValidSha256,

    /// <summary>No V2 header; <c>Agora-Signature</c> (HMAC-SHA1) matches.</summary>
    ValidSha1,

    /// <summary>Neither header was sent.</summary>
    Missing,

    /// <summary>The signature does not match the body (or is not hex).</summary>
    Invalid,
}

/// <summary>
/// Agora Notifications (NCS) signatures (agora.md §4): lowercase hex HMAC of the <b>raw</b> body with the
/// NCS secret; SHA-256 in <c>Agora-Signature-V2</c> (preferred), SHA-1 in <c>Agora-Signature</c>.
/// Verify the bytes as received, before parsing.
/// </summary>
public static class NcsSignature
{
    public const string V2HeaderName = "Agora-Signature-V2";
    public const string V1HeaderName = "Agora-Signature";

    public static string ComputeSha256(ReadOnlySpan<byte> rawBody, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key(secret), rawBody));

    public static string ComputeSha1(ReadOnlySpan<byte> rawBody, string secret) =>
#pragma warning disable CA5350 // SHA-1 is what Agora sends in Agora-Signature; V2 (SHA-256) wins whenever present.
        Convert.ToHexStringLower(HMACSHA1.HashData(Key(secret), rawBody));
#pragma warning restore CA5350

    /// <summary>
    /// Checks V2 when it is present (and then only V2: a bad V2 is not rescued by a V1 header, which
    /// would let an attacker downgrade); otherwise V1. Comparisons are constant-time.
    /// </summary>
    public static NcsSignatureStatus Verify(ReadOnlySpan<byte> rawBody, string? signatureV2, string? signatureV1, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!string.IsNullOrEmpty(signatureV2))
        {
            return HmacSignature.HexMatches(HMACSHA256.HashData(Key(secret), rawBody), signatureV2.Trim())
                ? NcsSignatureStatus.ValidSha256
                : NcsSignatureStatus.Invalid;
        }

        if (!string.IsNullOrEmpty(signatureV1))
        {
#pragma warning disable CA5350
            return HmacSignature.HexMatches(HMACSHA1.HashData(Key(secret), rawBody), signatureV1.Trim())
#pragma warning restore CA5350
                ? NcsSignatureStatus.ValidSha1
                : NcsSignatureStatus.Invalid;
        }

        return NcsSignatureStatus.Missing;
    }

    public static bool IsValid(this NcsSignatureStatus status) => status is NcsSignatureStatus.ValidSha256 or NcsSignatureStatus.ValidSha1;

    private static byte[] Key(string secret) => Encoding.UTF8.GetBytes(secret);
}

/// <summary>NCS signature check with the configured <c>AGORA_NCS_SECRET</c>.</summary>
public sealed class NcsSignatureVerifier(IOptions<AgoraOptions> options)
{
    public NcsSignatureStatus Verify(ReadOnlySpan<byte> rawBody, string? signatureV2, string? signatureV1)
    {
        var secret = options.Value.NcsSecret;
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("AGORA_NCS_SECRET is not configured: NCS webhooks cannot be verified.");
        }

        return NcsSignature.Verify(rawBody, signatureV2, signatureV1, secret);
    }

    public NcsSignatureStatus Verify(ReadOnlySpan<byte> rawBody, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Verify(rawBody, headers[NcsSignature.V2HeaderName].ToString(), headers[NcsSignature.V1HeaderName].ToString());
    }
}
