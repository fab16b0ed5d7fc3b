using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace HybridStreaming.Agora;

/// <summary>
/// AccessToken2 ("007") for the RTC service, as AgoraIO/Tools' DynamicKey builders produce it
/// (agora.md §5): little-endian packing, a signing key derived from issueTs and salt, an HMAC-SHA256
/// signature over the packed info, zlib, standard base64.
/// </summary>
internal static class AccessToken2
{
    public const string Version = "007";
    public const ushort RtcServiceType = 1;
    public const ushort PrivilegeJoinChannel = 1;
    public const ushort PrivilegePublishAudioStream = 2;
    public const ushort PrivilegePublishVideoStream = 3;
    public const ushort PrivilegePublishDataStream = 4;

    /// <param name="expire">Token lifetime in seconds after <paramref name="issueTs"/>.</param>
    /// <param name="privileges">Privilege → seconds after <paramref name="issueTs"/>.</param>
    public static string BuildRtc(
        string appId, string appCertificate, uint issueTs, uint salt, uint expire,
        string channelName, string account, IReadOnlyDictionary<ushort, uint> privileges)
    {
        var info = new Packer();
        info.String(Encoding.UTF8.GetBytes(appId));
        info.UInt32(issueTs);
        info.UInt32(expire);
        info.UInt32(salt);
        info.UInt16(1); // one service: RTC
        info.UInt16(RtcServiceType);
        info.UInt16(checked((ushort)privileges.Count));
        foreach (var (privilege, seconds) in privileges.OrderBy(p => p.Key))
        {
            info.UInt16(privilege);
            info.UInt32(seconds);
        }

        info.String(Encoding.UTF8.GetBytes(channelName));
        info.String(Encoding.UTF8.GetBytes(account));
        var infoBytes = info.ToArray();

        Span<byte> issueKey = stackalloc byte[4];
        Span<byte> saltKey = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(issueKey, issueTs);
        BinaryPrimitives.WriteUInt32LittleEndian(saltKey, salt);
        var signingKey = HMACSHA256.HashData(saltKey, HMACSHA256.HashData(issueKey, Encoding.ASCII.GetBytes(appCertificate)));
        var signature = HMACSHA256.HashData(signingKey, infoBytes);

        var content = new Packer();
        content.String(signature);
        content.Bytes(infoBytes);

        using var compressed = new MemoryStream();
        // zlib's default level (6), as the reference builders use; the deflate stream may still differ
        // byte for byte from zlib's (agora.md §5.1 caveat) — the inflated content is what counts.
        using (var zlib = new ZLibStream(compressed, new ZLibCompressionOptions { CompressionLevel = 6 }, leaveOpen: true))
        {
            zlib.Write(content.ToArray());
        }

        return Version + Convert.ToBase64String(compressed.ToArray());
    }

    private sealed class Packer
    {
        private readonly MemoryStream stream = new();

        public void UInt16(ushort value)
        {
            Span<byte> buffer = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
            stream.Write(buffer);
        }

        public void UInt32(uint value)
        {
            Span<byte> buffer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
            stream.Write(buffer);
        }

        public void String(ReadOnlySpan<byte> value)
        {
            UInt16(checked((ushort)value.Length));
            stream.Write(value);
        }

        public void Bytes(ReadOnlySpan<byte> value) => stream.Write(value);

        public byte[] ToArray() => stream.ToArray();
    }
}
