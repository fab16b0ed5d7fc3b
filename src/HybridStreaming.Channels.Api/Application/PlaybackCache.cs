using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Contracts;
using HybridStreaming.ServiceDefaults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Hybrid;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>What playback needs to know about a channel, as cached.</summary>
public sealed record PlaybackSnapshot(bool ChannelExists, Guid? SessionId, SessionState? State, StreamMode? Mode, string? HlsUrl, string AgoraChannelName)
{
    /// <summary>From the database: the channel and its active session (starting, live or stopping), if any.</summary>
    public static async ValueTask<PlaybackSnapshot> LoadAsync(ChannelsDbContext db, Guid channelId, CancellationToken cancellationToken)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == channelId, cancellationToken);
        if (channel is null)
        {
            return new PlaybackSnapshot(false, null, null, null, null, Channel.AgoraChannelNameOf(channelId));
        }

        var session = await db.Sessions.AsNoTracking()
            .Where(StreamSession.Active).Where(s => s.ChannelId == channelId)
            .FirstOrDefaultAsync(cancellationToken);
        return new PlaybackSnapshot(true, session?.Id, session?.State, session?.Mode, session?.HlsPlaybackUrl, channel.AgoraChannelName);
    }
}

/// <summary>
/// The playback answer (and the session state heartbeats report) through HybridCache: in-process first,
/// then Redis, then the database. Every session state change removes the channel's entry once its
/// transaction has committed, and announces it on the <see cref="ChannelChangeFeed"/>, so the other
/// replicas drop their in-process copies too: a change shows everywhere within a second. While Redis is
/// unreachable nothing can be announced, so in-process copies then live one second; Redis being down
/// never makes the answer wrong for longer than that, only slower.
/// <para>
/// A read that loaded the old state just before the commit can store it after the removal (HybridCache
/// finishes a load in flight), and then every replica would answer from that stale Redis entry until it
/// expires (30 s): buyers' players would not follow a mode switch. So the entry is removed, and the change
/// announced, a second time <see cref="SettleDelay"/> later, longer than any such load takes.
/// </para>
/// </summary>
public sealed partial class PlaybackCache(HybridCache cache, ChannelChangeFeed changes, ILogger<PlaybackCache> logger)
{
    /// <summary>When the second removal follows the first.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(1.5);

    private static readonly HybridCacheEntryOptions Entry = new()
    {
        Expiration = TimeSpan.FromSeconds(30),
        LocalCacheExpiration = TimeSpan.FromSeconds(5),
    };

    private static readonly HybridCacheEntryOptions Unannounced = new()
    {
        Expiration = TimeSpan.FromSeconds(30),
        LocalCacheExpiration = TimeSpan.FromSeconds(1),
    };

    public static string Key(Guid channelId) => $"playback:{channelId:N}";

    public ValueTask<PlaybackSnapshot> GetAsync(ChannelsDbContext db, Guid channelId, CancellationToken cancellationToken) =>
        cache.GetOrCreateAsync(
            Key(channelId),
            (db, channelId),
            static (state, ct) => PlaybackSnapshot.LoadAsync(state.db, state.channelId, ct),
            changes.IsListening ? Entry : Unannounced,
            cancellationToken: cancellationToken);

    /// <summary>
    /// After a committed change: drops the entry here and in Redis, and tells the other replicas and
    /// gateways — now, and again after <see cref="SettleDelay"/> (without holding up the caller).
    /// </summary>
    public async ValueTask InvalidateAsync(Guid channelId, CancellationToken cancellationToken = default)
    {
        await cache.RemoveAsync(Key(channelId), cancellationToken);
        await changes.PublishAsync(channelId);
        _ = SettleAsync(channelId);
    }

    private async Task SettleAsync(Guid channelId)
    {
        try
        {
            await Task.Delay(SettleDelay);
            await cache.RemoveAsync(Key(channelId));
            await changes.PublishAsync(channelId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Only the stale-read window stays open: the entry still expires by itself.
            LogSettleFailed(logger, exception, channelId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The second removal of channel {ChannelId}'s playback entry failed; it expires by itself")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, Guid channelId);

    /// <summary>Another replica announced a change: drop the in-process copy (and the Redis entry, already gone).</summary>
    public ValueTask ForgetAsync(Guid channelId) => cache.RemoveAsync(Key(channelId));
}
