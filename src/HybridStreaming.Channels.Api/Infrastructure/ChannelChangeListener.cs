using HybridStreaming.Channels.Api.Application;
using HybridStreaming.ServiceDefaults;
using StackExchange.Redis;

namespace HybridStreaming.Channels.Api.Infrastructure;

/// <summary>
/// Drops this replica's in-process playback copy when any replica announces that a channel's session
/// changed, so with several replicas a change shows within a second, not when the copy expires. Until
/// the subscription is in place (Redis unreachable at start) the cache keeps its one-second local
/// lifetime (<see cref="PlaybackCache"/>); the multiplexer restores the subscription after reconnects.
/// </summary>
internal sealed partial class ChannelChangeListener(ChannelChangeFeed changes, PlaybackCache cache, ILogger<ChannelChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await changes.SubscribeAsync(channelId => _ = cache.ForgetAsync(channelId).AsTask());
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogNotSubscribed(logger, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot listen for channel changes yet ({Reason}); retrying")]
    private static partial void LogNotSubscribed(ILogger logger, string reason);
}
