using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace HybridStreaming.Emulators.Agora.Tokens;

/// <summary>A decoded AccessToken2 ("007…"): what it says and the bytes its signature covers.</summary>
public sealed record AccessToken2(
    byte[] Signature,
    byte[] SignedInfo,
    string AppId,
    uint IssueTs,
    uint Expire,
    uint Salt,
    IReadOnlyList<TokenService> Services)
{
    public const string Version = "007";
    public const ushort RtcService = 1;
    public const ushort JoinChannel = 1;
    public const ushort PublishAudio = 2;
    public const ushort PublishVideo = 3;
    public const ushort PublishData = 4;

    public TokenService? Rtc => Services.FirstOrDefault(s => s.Type == RtcService);

    /// <summary>
    /// Decodes "007" + base64(zlib(string(signature) + info)). Written from the algorithm in
    /// reference/agora.md §5, independently of the production token builder.
    /// </summary>
    public static AccessToken2 Decode(string token)
    {
        if (!token.StartsWith(Version, StringComparison.Ordinal))
        {
            throw new TokenFormatException($"not an AccessToken2: it must start with \"{Version}\"");
        }

        byte[] compressed;
        try
        {
            compressed = Convert.FromBase64String(token[Version.Length..]);
        }
        catch (FormatException)
        {
            throw new TokenFormatException("the part after \"007\" is not base64");
        }

        byte[] content;
        try
        {
            using var input = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            content = output.ToArray();
        }
        catch (InvalidDataException)
        {
            throw new TokenFormatException("the token body is not zlib data");
        }

        var reader = new Reader(content);
        var signature = reader.Bytes();
        var infoStart = reader.Position;
        var appId = Encoding.ASCII.GetString(reader.Bytes());
        var issueTs = reader.U32();
        var expire = reader.U32();
        var salt = reader.U32();
        var count = reader.U16();
        var services = new List<TokenService>();
        for (var i = 0; i < count; i++)
        {
            var type = reader.U16();
            var privileges = new Dictionary<ushort, uint>();
            var entries = reader.U16();
            for (var p = 0; p < entries; p++)
            {
                privileges[reader.U16()] = reader.U32();
            }

            // Each service type has its own extra fields; types whose layout we do not know cannot be skipped.
            var extra = type switch
            {
                1 => new[] { Encoding.UTF8.GetString(reader.Bytes()), Encoding.UTF8.GetString(reader.Bytes()) }, // RTC: channel, uid
                2 or 5 => new[] { Encoding.UTF8.GetString(reader.Bytes()) }, // RTM, Chat: user id
                3 or 4 or 6 => [],
                _ => throw new TokenFormatException($"unsupported service type {type}"),
            };
            services.Add(new TokenService(type, privileges, extra));
        }

        if (!reader.AtEnd)
        {
            throw new TokenFormatException("unexpected bytes after the services");
        }

        return new AccessToken2(signature, content[infoStart..], appId, issueTs, expire, salt, services);
    }

    /// <summary>HMAC-SHA256(k, info), k = HMAC(u32(salt), HMAC(u32(issueTs), certificate)).</summary>
    public bool HasValidSignature(string appCertificate)
    {
        var key = HMACSHA256.HashData(U32(Salt), HMACSHA256.HashData(U32(IssueTs), Encoding.ASCII.GetBytes(appCertificate)));
        var expected = HMACSHA256.HashData(key, SignedInfo);
        return CryptographicOperations.FixedTimeEquals(expected, Signature);
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private sealed class Reader(byte[] data)
    {
        public int Position { get; private set; }

        public bool AtEnd => Position == data.Length;

        public ushort U16()
        {
            Need(2);
            var value = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(Position));
            Position += 2;
            return value;
        }

        public uint U32()
        {
            Need(4);
            var value = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(Position));
            Position += 4;
            return value;
        }

        public byte[] Bytes()
        {
            var length = U16();
            Need(length);
            var value = data[Position..(Position + length)];
            Position += length;
            return value;
        }

        private void Need(int count)
        {
            if (Position + count > data.Length)
            {
                throw new TokenFormatException("the token is truncated");
            }
        }
    }
}

/// <summary>A service of the token (RTC = 1) with its privileges (seconds after issueTs) and extra fields.</summary>
public sealed record TokenService(ushort Type, IReadOnlyDictionary<ushort, uint> Privileges, IReadOnlyList<string> Extra)
{
    public string Channel => Extra.Count > 0 ? Extra[0] : "";

    /// <summary>The uid as decimal text; empty means any uid (a token built for uid 0).</summary>
    public string Uid => Extra.Count > 1 ? Extra[1] : "";
}

public sealed class TokenFormatException(string message) : Exception(message);

/// <summary>Checks a broadcaster's token the way Agora's edge does before letting it join and publish.</summary>
public static class TokenVerifier
{
    /// <summary>null when the token lets <paramref name="uid"/> join <paramref name="channel"/> and publish at <paramref name="now"/>; else why not.</summary>
    public static string? CheckPublisher(string token, string appId, string appCertificate, string channel, uint uid, DateTimeOffset now) =>
        Check(token, appId, appCertificate, channel, uid, now, publish: true);

    /// <summary>The same for a member that only joins (a recorder): the join privilege is enough.</summary>
    public static string? CheckJoin(string token, string appId, string appCertificate, string channel, uint uid, DateTimeOffset now) =>
        Check(token, appId, appCertificate, channel, uid, now, publish: false);

    private static string? Check(string token, string appId, string appCertificate, string channel, uint uid, DateTimeOffset now, bool publish)
    {
        AccessToken2 decoded;
        try
        {
            decoded = AccessToken2.Decode(token);
        }
        catch (TokenFormatException exception)
        {
            return $"malformed token: {exception.Message}";
        }

        if (!string.Equals(decoded.AppId, appId, StringComparison.Ordinal))
        {
            return "the token was built for another App ID";
        }

        if (!decoded.HasValidSignature(appCertificate))
        {
            return "invalid signature: the token was not signed with this project's App Certificate, or it was altered";
        }

        var seconds = now.ToUnixTimeSeconds();
        // Durations count from issueTs (AccessToken2); 0 is treated as already expired (see docs/emulators.md).
        if (decoded.IssueTs + (long)decoded.Expire <= seconds)
        {
            return "the token has expired";
        }

        if (decoded.Rtc is not { } rtc)
        {
            return "the token has no RTC service";
        }

        if (!string.Equals(rtc.Channel, channel, StringComparison.Ordinal))
        {
            return $"the token is for channel '{rtc.Channel}', not '{channel}'";
        }

        if (rtc.Uid.Length > 0 && rtc.Uid != uid.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return $"the token is for uid {rtc.Uid}, not {uid}";
        }

        var needed = publish
            ? new[] { (AccessToken2.JoinChannel, "join channel"), (AccessToken2.PublishAudio, "publish audio"), (AccessToken2.PublishVideo, "publish video") }
            : [(AccessToken2.JoinChannel, "join channel")];
        foreach (var (privilege, name) in needed)
        {
            if (!rtc.Privileges.TryGetValue(privilege, out var expire))
            {
                return $"the token lacks the {name} privilege ({privilege})";
            }

            if (decoded.IssueTs + (long)expire <= seconds)
            {
                return $"the {name} privilege ({privilege}) has expired";
            }
        }

        return null;
    }
}
