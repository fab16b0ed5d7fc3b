using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace HybridStreaming.Agora.Tests;

/// <summary>AccessToken2 against the official vectors of AgoraIO/Tools (agora.md §5.1).</summary>
public sealed class RtcTokenBuilderTests
{
    private const string AppId = "970CA35de60c44645bbae8a215061b33";
    private const string AppCertificate = "5CFd2fd1755d40ecb72977518be15d3b";
    private const string Channel = "7d72365eb983485397e3e3f9d460bdda";
    private const uint Uid = 2882341273;
    private static readonly TimeSpan Expire = TimeSpan.FromSeconds(600);

    private const string OfficialJoinOnlyUid =
        "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj";

    private const string OfficialJoinOnlyUidZero =
        "007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo=";

    /// <summary>The C# test's string for the first case: another deflater, same content.</summary>
    private const string OfficialCSharpJoinOnlyUid =
        "007eJwlx6EKQjEUgOGjYDEJgsG0R9h2zrazKAaDgtGrQdg880Gsgk2M+gA+wI0Wg1jMPodglYv8/OFTMLjUs9V69/zO6/7rvLxP349bUlUnXk+Lw3E/VBCDHo/QSfF6Q+TJ5ZwKJ2uc9iYjTj49qNoALWj+11hBkGDRu5IjI7HDGAoW3EYhr7NI6oJltkjGBvwBwmok4w==";

    /// <summary>agora.md: PUBLISHER, RTC only, privileges 1–4 = 600 (computed with the same algorithm, not official).</summary>
    private const string PublisherUid =
        "007eJxTYDhuGCT90E3Yo2+N3efJV5hX1K1MZAqae/Sa8UP9VXvOhfArMFiaGzg7GpumpJoZJJuYmJmYJiUlplokGhmaGpgZJhkbu38RYIhgYmBgZABhRgYWIAbxmcAkM5hkAZMKDOYp5kbGZqapSZYWxiYWpsaW5qnGqcZplikmZgZJKSmJXAxGFhZGxiaGRubGAKizJcs=";

    private static RtcTokenBuilder FixedBuilder() =>
        new(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1111111)), () => 1);

    [Fact]
    public void Join_only_token_for_a_uid_matches_the_official_vector()
    {
        var token = FixedBuilder().BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Subscriber, Expire, Expire);

        Inflate(token).Should().Equal(Inflate(OfficialJoinOnlyUid));
        token.Should().StartWith("007eJ", "version 007, then zlib's header at the default level");
    }

    [Fact]
    public void The_official_decompressed_layout_is_what_the_builder_packs()
    {
        var content = Convert.ToHexStringLower(Inflate(FixedBuilder().BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Subscriber, Expire, Expire)));

        content.Should().Be(
            "2000" + "16a0b84c5a5e82cbf74fb813d09f59c54bdac9c06120580539ac97578e958b1a"
            + "2000" + Hex(AppId) + "47f41000" + "58020000" + "01000000"
            + "0100" + "0100" + "0100" + "0100" + "58020000"
            + "2000" + Hex(Channel) + "0a00" + Hex("2882341273"));
    }

    [Fact]
    public void The_user_account_form_of_the_same_uid_gives_the_same_token()
    {
        var builder = FixedBuilder();

        builder.BuildTokenWithUserAccount(AppId, AppCertificate, Channel, "2882341273", RtcRole.Subscriber, Expire, Expire)
            .Should().Be(builder.BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Subscriber, Expire, Expire));
    }

    [Fact]
    public void Join_only_token_for_uid_zero_matches_the_official_vector()
    {
        var token = FixedBuilder().BuildTokenWithUid(AppId, AppCertificate, Channel, 0, RtcRole.Subscriber, Expire, Expire);

        Inflate(token).Should().Equal(Inflate(OfficialJoinOnlyUidZero));
    }

    [Fact]
    public void The_csharp_reference_string_inflates_to_the_same_content_as_ours()
    {
        var token = FixedBuilder().BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Subscriber, Expire, Expire);

        Inflate(OfficialCSharpJoinOnlyUid).Should().Equal(Inflate(token));
    }

    [Fact]
    public void Publisher_token_carries_privileges_one_to_four()
    {
        var token = FixedBuilder().BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Publisher, Expire, Expire);

        Inflate(token).Should().Equal(Inflate(PublisherUid));
        Parse(token).Privileges.Should().Equal(new Dictionary<ushort, uint> { [1] = 600, [2] = 600, [3] = 600, [4] = 600 });
    }

    [Fact]
    public void Token_with_explicit_privileges_sets_each_lifetime()
    {
        var builder = FixedBuilder();

        builder.BuildTokenWithUidAndPrivilege(AppId, AppCertificate, Channel, Uid, Expire, Expire, Expire, Expire, Expire)
            .Should().Be(builder.BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Publisher, Expire, Expire));

        var token = Parse(builder.BuildTokenWithUidAndPrivilege(AppId, AppCertificate, Channel, Uid, TimeSpan.FromHours(2),
            TimeSpan.FromHours(1), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(10)));
        token.Expire.Should().Be(7200);
        token.Privileges.Should().Equal(new Dictionary<ushort, uint> { [1] = 3600, [2] = 1800, [3] = 1200, [4] = 600 });
    }

    [Fact]
    public void Expiries_are_durations_after_the_issue_time_not_timestamps()
    {
        var now = DateTimeOffset.Parse("2026-05-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var builder = new RtcTokenBuilder(new FakeTimeProvider(now));

        var token = Parse(builder.BuildTokenWithUid(AppId, AppCertificate, "shop_1", 42, RtcRole.Publisher, TimeSpan.FromHours(1), TimeSpan.FromMinutes(45)));

        token.IssueTs.Should().Be((uint)now.ToUnixTimeSeconds());
        token.Expire.Should().Be(3600);
        token.Privileges.Values.Should().AllBeEquivalentTo(2700u);
        token.Salt.Should().BeInRange(1u, 99_999_999u);
        token.Channel.Should().Be("shop_1");
        token.Uid.Should().Be("42");
    }

    [Fact]
    public void The_signature_verifies_with_an_independent_computation()
    {
        var builder = new RtcTokenBuilder(TimeProvider.System);

        var token = Parse(builder.BuildTokenWithUid(AppId, AppCertificate, "shop_1", 42, RtcRole.Publisher, TimeSpan.FromHours(1), TimeSpan.FromHours(1)));

        var signingKey = HMACSHA256.HashData(LittleEndian(token.Salt), HMACSHA256.HashData(LittleEndian(token.IssueTs), Encoding.ASCII.GetBytes(AppCertificate)));
        token.Signature.Should().Equal(HMACSHA256.HashData(signingKey, token.Info));
    }

    [Fact]
    public void Salts_are_random_between_tokens()
    {
        var builder = new RtcTokenBuilder(TimeProvider.System);

        var salts = Enumerable.Range(0, 20)
            .Select(_ => Parse(builder.BuildTokenWithUid(AppId, AppCertificate, "shop_1", 42, RtcRole.Publisher, Expire, Expire)).Salt)
            .ToList();

        salts.Distinct().Should().HaveCountGreaterThan(1);
    }

    [Theory]
    [InlineData("970CA35de60c44645bbae8a215061b3", AppCertificate, "appId")]
    [InlineData("970CA35de60c44645bbae8a215061bzz", AppCertificate, "appId")]
    [InlineData(AppId, "", "appCertificate")]
    [InlineData(AppId, "5CFd2fd1755d40ecb72977518be15d3b0", "appCertificate")]
    public void A_bad_app_id_or_certificate_is_a_clear_error_not_an_empty_token(string appId, string certificate, string parameter)
    {
        var act = () => FixedBuilder().BuildTokenWithUid(appId, certificate, Channel, Uid, RtcRole.Publisher, Expire, Expire);

        act.Should().Throw<ArgumentException>().Where(e => e.ParamName == parameter)
            .WithMessage($"{parameter} must be exactly 32 hexadecimal characters*");
    }

    [Fact]
    public void A_lifetime_under_one_second_is_refused()
    {
        var act = () => FixedBuilder().BuildTokenWithUid(AppId, AppCertificate, Channel, Uid, RtcRole.Publisher, TimeSpan.Zero, Expire);

        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "tokenExpire");
    }

    // ---- An independent reader of tokens (not the library's packer) ----

    private sealed record Token(byte[] Signature, byte[] Info, uint IssueTs, uint Expire, uint Salt, Dictionary<ushort, uint> Privileges, string Channel, string Uid);

    private static byte[] Inflate(string token)
    {
        token.Should().StartWith("007");
        using var input = new MemoryStream(Convert.FromBase64String(token[3..]));
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        zlib.CopyTo(output);
        return output.ToArray();
    }

    private static Token Parse(string token)
    {
        var content = Inflate(token);
        using var reader = new BinaryReader(new MemoryStream(content));
        var signature = reader.ReadBytes(reader.ReadUInt16());
        var info = content[(int)reader.BaseStream.Position..];
        reader.ReadBytes(reader.ReadUInt16()); // app id
        var issueTs = reader.ReadUInt32();
        var expire = reader.ReadUInt32();
        var salt = reader.ReadUInt32();
        reader.ReadUInt16().Should().Be(1, "one service");
        reader.ReadUInt16().Should().Be(1, "RTC");
        var privileges = new Dictionary<ushort, uint>();
        for (var count = reader.ReadUInt16(); count > 0; count--)
        {
            privileges[reader.ReadUInt16()] = reader.ReadUInt32();
        }

        var channel = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
        var uid = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
        return new Token(signature, info, issueTs, expire, salt, privileges, channel, uid);
    }

    private static byte[] LittleEndian(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.ASCII.GetBytes(text));
}
