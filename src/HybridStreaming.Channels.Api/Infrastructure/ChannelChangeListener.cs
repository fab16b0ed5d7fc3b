using HybridStreaming.Channels.Api.Application;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.Channels.Api.Infrastructure;

/// <summary>
/// Drops this replica's in-process playback copy when any replica announces that a channel's session
/// changed, so with several replicas a change shows within a second, not when the copy expires. Until
/// the subscription is in place (Redis unreachable at start) the cache keeps its one-second local
/// lifetime (<see cref="PlaybackCache"/>).
/// </summary>
internal sealed class ChannelChangeListener(ChannelChangeFeed changes, PlaybackCache cache) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        changes.SubscribeAsync(channelId => _ = cache.ForgetAsync(channelId).AsTask(), stoppingToken);
}
