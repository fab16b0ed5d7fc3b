using System.Security.Cryptography;
using System.Text;

namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>Webhook signature checks shared by the provider libraries: constant-time, over raw bytes.</summary>
public static class HmacSignature
{
    /// <summary>
    /// True when <paramref name="hexSignature"/> (either case) is the hex form of
    /// <paramref name="expectedMac"/>. Malformed hex is a mismatch; the comparison of the bytes is
    /// constant-time.
    /// </summary>
    public static bool HexMatches(ReadOnlySpan<byte> expectedMac, string? hexSignature)
    {
        if (string.IsNullOrEmpty(hexSignature) || hexSignature.Length != expectedMac.Length * 2)
        {
            return false;
        }

        Span<byte> given = stackalloc byte[expectedMac.Length];
        return Convert.FromHexString(hexSignature, given, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == expectedMac.Length
            && CryptographicOperations.FixedTimeEquals(given, expectedMac);
    }

    /// <summary>
    /// Constant-time equality of two secrets. Both are hashed first so the time taken does not reveal
    /// the expected length either.
    /// </summary>
    public static bool SecretEquals(string? given, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (given is null)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(given), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
