using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace HybridStreaming.Testing.Agora;

/// <summary>
/// The tests' (and benchmarks') own AccessToken2 builder (RTC service only), written from reference/agora.md §5 and
/// checked against the official vectors — independent of the emulator's verifier it is used against.
/// </summary>
public static class TestTokenBuilder
{
    public static string Build(string appId, string certificate, string channel, uint uid, uint issueTs, uint salt, uint expire,
        IReadOnlyDictionary<ushort, uint> privileges)
    {
        var info = new MemoryStream();
        WriteString(info, Encoding.ASCII.GetBytes(appId));
        WriteU32(info, issueTs);
        WriteU32(info, expire);
        WriteU32(info, salt);
        WriteU16(info, 1);
        WriteU16(info, 1);
        WriteU16(info, (ushort)privileges.Count);
        foreach (var (privilege, seconds) in privileges.OrderBy(p => p.Key))
        {
            WriteU16(info, privilege);
            WriteU32(info, seconds);
        }

        WriteString(info, Encoding.UTF8.GetBytes(channel));
        WriteString(info, uid == 0 ? [] : Encoding.ASCII.GetBytes(uid.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var k1 = HMACSHA256.HashData(U32(issueTs), Encoding.ASCII.GetBytes(certificate));
        var key = HMACSHA256.HashData(U32(salt), k1);
        var signature = HMACSHA256.HashData(key, info.ToArray());

        var content = new MemoryStream();
        WriteString(content, signature);
        content.Write(info.ToArray());
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(content.ToArray());
        }

        return "007" + Convert.ToBase64String(compressed.ToArray());
    }

    /// <summary>A publisher token (join + publish audio, video, data) valid for <paramref name="seconds"/> from now.</summary>
    public static string Publisher(string appId, string certificate, string channel, uint uid, uint seconds = 3600) =>
        Build(appId, certificate, channel, uid, (uint)DateTimeOffset.UtcNow.ToUnixTimeSeconds(), (uint)Random.Shared.Next(1, 99_999_999), seconds,
            new Dictionary<ushort, uint> { [1] = seconds, [2] = seconds, [3] = seconds, [4] = seconds });

    /// <summary>The decompressed content of a token ("what it says"), to compare tokens from different compressors.</summary>
    public static byte[] Content(string token)
    {
        using var input = new ZLibStream(new MemoryStream(Convert.FromBase64String(token[3..])), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    private static void WriteU16(Stream stream, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        stream.Write(bytes);
    }

    private static void WriteU32(Stream stream, uint value) => stream.Write(U32(value));

    private static void WriteString(Stream stream, byte[] value)
    {
        WriteU16(stream, (ushort)value.Length);
        stream.Write(value);
    }
}
