using System.Text;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace HybridStreaming.Agora.Tests;

/// <summary>NCS signatures against the vectors of agora.md §4 (computed with Python's hmac).</summary>
public sealed class NcsSignatureTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}""");

    private const string Sha1 = "92ea60c5249b641f80de046d11e1cb2d15f1d1b2";
    private const string Sha256 = "6ba85d7c1122f6c51143cce7765f06c601c0fbd691987f4510e45b943b2639e8";

    [Fact]
    public void Computes_the_reference_vectors()
    {
        NcsSignature.ComputeSha256(Body, "secret").Should().Be(Sha256);
        NcsSignature.ComputeSha1(Body, "secret").Should().Be(Sha1);
    }

    [Fact]
    public void V2_sha256_signature_is_valid()
    {
        NcsSignature.Verify(Body, Sha256, null, "secret").Should().Be(NcsSignatureStatus.ValidSha256);
    }

    [Fact]
    public void V1_sha1_signature_is_accepted_when_no_v2_is_sent()
    {
        NcsSignature.Verify(Body, null, Sha1, "secret").Should().Be(NcsSignatureStatus.ValidSha1);
    }

    [Fact]
    public void V2_is_preferred_and_a_bad_v2_is_not_rescued_by_a_good_v1()
    {
        NcsSignature.Verify(Body, Sha256, "00", "secret").Should().Be(NcsSignatureStatus.ValidSha256);
        NcsSignature.Verify(Body, Sha256.Replace('6', '7'), Sha1, "secret").Should().Be(NcsSignatureStatus.Invalid);
    }

    [Fact]
    public void Uppercase_hex_is_accepted()
    {
        NcsSignature.Verify(Body, Sha256.ToUpperInvariant(), null, "secret").IsValid().Should().BeTrue();
    }

    [Fact]
    public void A_tampered_body_is_invalid()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("\"b\":2", "\"b\":3", StringComparison.Ordinal));

        NcsSignature.Verify(tampered, Sha256, null, "secret").Should().Be(NcsSignatureStatus.Invalid);
        NcsSignature.Verify(tampered, null, Sha1, "secret").Should().Be(NcsSignatureStatus.Invalid);
    }

    [Fact]
    public void A_signature_made_with_whitespace_or_reformatted_json_is_invalid_because_the_raw_bytes_count()
    {
        var reformatted = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace(",", ", ", StringComparison.Ordinal));

        NcsSignature.Verify(reformatted, Sha256, null, "secret").Should().Be(NcsSignatureStatus.Invalid);
    }

    [Theory]
    [InlineData("not-hex")]
    [InlineData("6ba85d7c")]
    public void Malformed_signatures_are_invalid(string signature)
    {
        NcsSignature.Verify(Body, signature, null, "secret").Should().Be(NcsSignatureStatus.Invalid);
    }

    [Fact]
    public void No_signature_header_is_missing()
    {
        NcsSignature.Verify(Body, null, "", "secret").Should().Be(NcsSignatureStatus.Missing);
    }

    [Fact]
    public void The_verifier_uses_the_configured_secret_and_the_request_headers()
    {
        using var host = Agora.Host(new StubHttpHandler());
        var headers = new HeaderDictionary { [NcsSignature.V2HeaderName] = Sha256 };

        host.Get<NcsSignatureVerifier>().Verify(Body, headers).Should().Be(NcsSignatureStatus.ValidSha256);
    }

    [Fact]
    public void The_verifier_refuses_to_run_without_a_secret()
    {
        using var host = Agora.Host(new StubHttpHandler(), values => values.Remove("AGORA_NCS_SECRET"));

        var act = () => host.Get<NcsSignatureVerifier>().Verify(Body, Sha256, null);

        act.Should().Throw<InvalidOperationException>().WithMessage("AGORA_NCS_SECRET is not configured*");
    }
}
