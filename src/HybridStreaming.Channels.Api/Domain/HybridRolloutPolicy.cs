using System.Security.Cryptography;
using System.Text;
using HybridStreaming.Contracts;

namespace HybridStreaming.Channels.Api.Domain;

/// <summary>
/// Which sessions use the CDN (hybrid) and which stay on Agora only — the seed's soft launch → 25% →
/// all. Decided once per session at go-live, from configuration.
/// </summary>
public sealed record HybridRolloutPolicy(bool Enabled, int Percent, IReadOnlySet<Guid> Allow, IReadOnlySet<Guid> Deny)
{
    public (StreamMode Mode, string? Reason) Decide(Guid channelId)
    {
        if (Deny.Contains(channelId))
        {
            return (StreamMode.AgoraOnly, "This channel is on the hybrid deny list (HYBRID_DENY_CHANNELS).");
        }

        if (!Enabled)
        {
            return (StreamMode.AgoraOnly, "Hybrid streaming is switched off (HYBRID_ENABLED=false).");
        }

        if (Allow.Contains(channelId))
        {
            return (StreamMode.Hybrid, null);
        }

        return Bucket(channelId) < Percent
            ? (StreamMode.Hybrid, null)
            : (StreamMode.AgoraOnly, $"This channel is outside the {Percent}% hybrid rollout (HYBRID_ROLLOUT_PERCENT).");
    }

    /// <summary>0–99, stable across processes and releases (not string.GetHashCode, which changes per process).</summary>
    public static int Bucket(Guid channelId)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(channelId.ToString("N")));
        return (int)(BitConverter.ToUInt32(hash, 0) % 100);
    }
}
