using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;
using Microsoft.Extensions.Caching.Hybrid;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>What playback needs to know about a channel, as cached.</summary>
public sealed record PlaybackSnapshot(bool ChannelExists, Guid? SessionId, SessionState? State, StreamMode? Mode, string? HlsUrl, string AgoraChannelName);

/// <summary>
/// The playback answer through HybridCache: in-process first, then Redis, then the database. Every
/// session state change removes the channel's entry once its transaction has committed; entries also
/// expire quickly, so a missed removal (Redis down) heals itself. Redis being down never makes the
/// answer wrong, only slower.
/// </summary>
public sealed class PlaybackCache(HybridCache cache)
{
    private static readonly HybridCacheEntryOptions Entry = new()
    {
        Expiration = TimeSpan.FromSeconds(30),
        LocalCacheExpiration = TimeSpan.FromSeconds(5),
    };

    public static string Key(Guid channelId) => $"playback:{channelId:N}";

    public ValueTask<PlaybackSnapshot> GetAsync(Guid channelId, Func<CancellationToken, ValueTask<PlaybackSnapshot>> load, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(Key(channelId), load, static (load, ct) => load(ct), Entry, cancellationToken: cancellationToken);

    public ValueTask InvalidateAsync(Guid channelId, CancellationToken cancellationToken = default) =>
        cache.RemoveAsync(Key(channelId), cancellationToken);
}
