using System.Security.Cryptography;
using System.Text;

namespace HybridStreaming.Emulators.Common;

/// <summary>HMAC helpers for webhook signatures (hex, lowercase).</summary>
public static class Signatures
{
    public static string HmacSha1Hex(string secret, ReadOnlySpan<byte> message) =>
        Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), message));

    public static string HmacSha256Hex(string secret, ReadOnlySpan<byte> message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
}
