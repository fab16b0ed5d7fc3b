using System.Globalization;
using System.Security.Cryptography;

namespace HybridStreaming.Emulators.Common;

public static class Ids
{
    /// <summary>32 lowercase hex digits (Cloudflare uids, Agora resource and converter ids).</summary>
    public static string Hex32() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsHex32(string? value) =>
        value is { Length: 32 } && value.All(char.IsAsciiHexDigit);

    /// <summary>RFC 3339 UTC with microseconds, as Cloudflare prints times.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
