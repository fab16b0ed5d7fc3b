using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using HybridStreaming.Emulators.Common;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Agora;

public sealed class NcsSignatureTests
{
    private const string Body = """{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}""";

    [Fact]
    public void Signing_reproduces_the_values_computed_for_the_reference_body()
    {
        var raw = Encoding.UTF8.GetBytes(Body);

        Signatures.HmacSha1Hex("secret", raw).Should().Be("92ea60c5249b641f80de046d11e1cb2d15f1d1b2");
        Signatures.HmacSha256Hex("secret", raw).Should().Be("6ba85d7c1122f6c51143cce7765f06c601c0fbd691987f4510e45b943b2639e8");
    }

    /// <summary>What a receiver does: HMAC over the raw bytes with the shared secret (written here without the emulator's helper).</summary>
    public static bool Verifies(string secret, byte[] raw, string sha1Header, string sha256Header) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), raw))), Encoding.ASCII.GetBytes(sha1Header))
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), raw))), Encoding.ASCII.GetBytes(sha256Header));
}
