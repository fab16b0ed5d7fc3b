using System.Security.Cryptography;

namespace HybridStreaming.Recording.Worker.Application;

/// <summary>Recorder uids: 4,000,000,000 and up (reserved for recorders; users get 1…1,999,999,999).</summary>
public static class RecorderUids
{
    public const uint First = 4_000_000_000;
    private const uint Span = uint.MaxValue - First;

    /// <summary>Stable per session, so a retried start joins as the same recorder.</summary>
    public static uint For(Guid sessionId) =>
        First + (BitConverter.ToUInt32(SHA256.HashData(sessionId.ToByteArray()), 0) % Span);

    /// <summary>The next candidate after a uid conflict in the channel (Agora code 53).</summary>
    public static uint Next(uint uid) => uid >= uint.MaxValue - 1 ? First : uid + 1;
}
