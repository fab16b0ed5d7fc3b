using FluentAssertions;
using HybridStreaming.Emulators.Agora.Tokens;
using HybridStreaming.Emulators.Tests.Infrastructure;
using HybridStreaming.Testing.Agora;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Agora;

/// <summary>The emulator's AccessToken2 verification against Agora's official vectors (reference/agora.md §5.1).</summary>
public sealed class AccessToken2Tests
{
    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string Certificate = "5CFd2fd1755d40ecb72977518be15d3b";
    private const string Channel = "7d72365eb983485397e3e3f9d460bdda";
    private const uint Uid = 2882341273;
    private const uint IssueTs = 1111111;

    private const string JoinOnlyUid = "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj";
    private const string JoinOnlyUid0 = "007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo=";
    private const string RtcRtmChat = "007eJxTYPg19dsX8xO2Nys/bpSeoH/0j9CvSs1JWib9291PKC53l85UYLA0N3B2NDZNSTUzSDYxMTMxTUpKTLVINDI0NTAzTDI2dv8iwBDBxMDAyMDAwAwkWYAYxGcCk8xgkgVMKjCYp5gbGZuZpiZZWhibWJgaW5qnGqcap1mmmJgZJKWkJHIxGFlYGBmbGBqZGzMBzYGYxMlQklpcEl9anFrEChdEVgoAw6ct/Q==";
    private const string CSharpCompressorVariant = "007eJwlx6EKQjEUgOGjYDEJgsG0R9h2zrazKAaDgtGrQdg880Gsgk2M+gA+wI0Wg1jMPodglYv8/OFTMLjUs9V69/zO6/7rvLxP349bUlUnXk+Lw3E/VBCDHo/QSfF6Q+TJ5ZwKJ2uc9iYjTj49qNoALWj+11hBkGDRu5IjI7HDGAoW3EYhr7NI6oJltkjGBvwBwmok4w==";
    private const string PublisherComputed = "007eJxTYDhuGCT90E3Yo2+N3efJV5hX1K1MZAqae/Sa8UP9VXvOhfArMFiaGzg7GpumpJoZJJuYmJmYJiUlplokGhmaGpgZJhkbu38RYIhgYmBgZABhRgYWIAbxmcAkM5hkAZMKDOYp5kbGZqapSZYWxiYWpsaW5qnGqcZplikmZgZJKSmJXAxGFhZGxiaGRubGAKizJcs=";

    private static readonly DateTimeOffset WhenValid = DateTimeOffset.FromUnixTimeSeconds(IssueTs + 60);

    [Theory]
    [InlineData(JoinOnlyUid, "2882341273")]
    [InlineData(JoinOnlyUid0, "")]
    [InlineData(CSharpCompressorVariant, "2882341273")]
    [InlineData(PublisherComputed, "2882341273")]
    public void Official_vectors_decode_to_their_inputs_and_carry_a_valid_signature(string token, string uid)
    {
        var decoded = AccessToken2.Decode(token);

        decoded.AppId.Should().Be(AppId);
        decoded.IssueTs.Should().Be(IssueTs);
        decoded.Salt.Should().Be(1u);
        decoded.Expire.Should().Be(600u);
        decoded.Rtc!.Channel.Should().Be(Channel);
        decoded.Rtc.Uid.Should().Be(uid);
        decoded.Rtc.Privileges[AccessToken2.JoinChannel].Should().Be(600u);
        decoded.HasValidSignature(Certificate).Should().BeTrue();
        decoded.HasValidSignature("00000000000000000000000000000000").Should().BeFalse();
    }

    [Fact]
    public void The_first_vector_holds_the_documented_signature_bytes()
    {
        Convert.ToHexStringLower(AccessToken2.Decode(JoinOnlyUid).Signature)
            .Should().Be("16a0b84c5a5e82cbf74fb813d09f59c54bdac9c06120580539ac97578e958b1a");
    }

    [Fact]
    public void The_vector_with_rtm_and_chat_services_decodes_every_service_and_verifies()
    {
        var decoded = AccessToken2.Decode(RtcRtmChat);

        decoded.Services.Select(s => s.Type).Should().Equal(1, 2, 5);
        decoded.Rtc!.Privileges.Keys.Should().BeEquivalentTo(new ushort[] { 1, 2, 3, 4 });
        decoded.Services[1].Extra.Should().Equal("test_user");
        decoded.Services[2].Extra.Should().Equal("2882341273");
        decoded.HasValidSignature(Certificate).Should().BeTrue();
    }

    [Fact]
    public void A_publisher_vector_lets_its_uid_publish_in_its_channel_while_valid()
    {
        TokenVerifier.CheckPublisher(PublisherComputed, AppId, Certificate, Channel, Uid, WhenValid).Should().BeNull();
    }

    [Fact]
    public void The_tests_own_builder_reproduces_the_official_vectors()
    {
        var joinOnly = new Dictionary<ushort, uint> { [1] = 600 };

        TestTokenBuilder.Content(TestTokenBuilder.Build(AppId, Certificate, Channel, Uid, IssueTs, 1, 600, joinOnly))
            .Should().Equal(TestTokenBuilder.Content(JoinOnlyUid));
        TestTokenBuilder.Content(TestTokenBuilder.Build(AppId, Certificate, Channel, 0, IssueTs, 1, 600, joinOnly))
            .Should().Equal(TestTokenBuilder.Content(JoinOnlyUid0));
        TestTokenBuilder.Content(TestTokenBuilder.Build(AppId, Certificate, Channel, Uid, IssueTs, 1, 600,
                new Dictionary<ushort, uint> { [1] = 600, [2] = 600, [3] = 600, [4] = 600 }))
            .Should().Equal(TestTokenBuilder.Content(PublisherComputed));
    }

    [Fact]
    public void An_expired_token_is_refused()
    {
        TokenVerifier.CheckPublisher(PublisherComputed, AppId, Certificate, Channel, Uid, DateTimeOffset.UtcNow)
            .Should().Be("the token has expired");
    }

    [Fact]
    public void A_privilege_that_expired_before_the_token_is_refused()
    {
        var token = TestTokenBuilder.Build(AppId, Certificate, Channel, Uid, IssueTs, 7, 3600,
            new Dictionary<ushort, uint> { [1] = 3600, [2] = 30, [3] = 3600 });

        TokenVerifier.CheckPublisher(token, AppId, Certificate, Channel, Uid, WhenValid).Should().Contain("publish audio");
    }

    [Fact]
    public void A_join_only_token_cannot_publish()
    {
        TokenVerifier.CheckPublisher(JoinOnlyUid, AppId, Certificate, Channel, Uid, WhenValid).Should().Contain("lacks the publish audio");
        TokenVerifier.CheckJoin(JoinOnlyUid, AppId, Certificate, Channel, Uid, WhenValid).Should().BeNull();
    }

    [Fact]
    public void Wrong_channel_wrong_uid_wrong_app_and_wrong_certificate_are_refused()
    {
        TokenVerifier.CheckPublisher(PublisherComputed, AppId, Certificate, "other", Uid, WhenValid).Should().Contain("channel");
        TokenVerifier.CheckPublisher(PublisherComputed, AppId, Certificate, Channel, 42, WhenValid).Should().Contain("uid 2882341273, not 42");
        TokenVerifier.CheckPublisher(PublisherComputed, "a" + AppId[1..], Certificate, Channel, Uid, WhenValid).Should().Contain("App ID");
        TokenVerifier.CheckPublisher(PublisherComputed, AppId, "5CFd2fd1755d40ecb72977518be15d3c", Channel, Uid, WhenValid).Should().Contain("signature");
    }

    [Fact]
    public void A_uid_0_token_admits_any_uid()
    {
        var token = TestTokenBuilder.Build(AppId, Certificate, Channel, 0, IssueTs, 1, 600, new Dictionary<ushort, uint> { [1] = 600, [2] = 600, [3] = 600 });

        TokenVerifier.CheckPublisher(token, AppId, Certificate, Channel, 12345, WhenValid).Should().BeNull();
    }

    [Fact]
    public void A_tampered_token_fails_its_signature_and_garbage_is_malformed()
    {
        // Re-encode the content with the channel name changed in the signed info.
        var content = TestTokenBuilder.Content(PublisherComputed);
        var text = System.Text.Encoding.ASCII.GetBytes(Channel);
        var at = content.AsSpan().IndexOf(text);
        content[at] = (byte)'8';
        var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(content);
        }

        var tampered = "007" + Convert.ToBase64String(compressed.ToArray());

        TokenVerifier.CheckPublisher(tampered, AppId, Certificate, "8" + Channel[1..], Uid, WhenValid).Should().Contain("invalid signature");
        TokenVerifier.CheckPublisher("007notbase64!!", AppId, Certificate, Channel, Uid, WhenValid).Should().StartWith("malformed token");
        TokenVerifier.CheckPublisher("006" + PublisherComputed[3..], AppId, Certificate, Channel, Uid, WhenValid).Should().StartWith("malformed token");
        TokenVerifier.CheckPublisher(PublisherComputed[..40], AppId, Certificate, Channel, Uid, WhenValid).Should().StartWith("malformed token");
    }
}
