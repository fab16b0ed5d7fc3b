using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// "This channel's session changed": published on Redis pub/sub by the Channel API replica that
/// committed the change, heard by every Channel API replica and gateway, which drop what they cached
/// about the channel (in-process copies of playback, status and viewer counts). That is what keeps
/// viewer reads fresh within a second with several replicas and still cheap.
/// <para>
/// Pub/sub is fire-and-forget: while Redis is unreachable nothing is heard, so readers must bound how
/// long they keep an entry when <see cref="IsListening"/> is false (they fall back to short lifetimes).
/// </para>
/// </summary>
public sealed partial class ChannelChangeFeed(IConnectionMultiplexer redis, ILogger<ChannelChangeFeed> logger)
{
    private static readonly RedisChannel Topic = RedisChannel.Literal("hybridstreaming:channel-changed");

    /// <summary>Whether changes can be heard right now (the Redis connection is up).</summary>
    public bool IsListening => redis.IsConnected;

    /// <summary>Tells every replica and gateway; a failure is logged, never thrown (entries expire by themselves).</summary>
    public async Task PublishAsync(Guid channelId)
    {
        try
        {
            await redis.GetSubscriber().PublishAsync(Topic, channelId.ToString("N"));
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, channelId, exception.Message);
        }
    }

    /// <summary>
    /// Calls <paramref name="onChanged"/> for every change published from now on (by any process, this one
    /// included). While Redis is unreachable at start it retries every 2 s (logged) until the subscription is
    /// in place; readers keep their short lifetimes meanwhile (<see cref="IsListening"/>). The multiplexer
    /// restores the subscription by itself after later reconnects.
    /// </summary>
    public async Task SubscribeAsync(Action<Guid> onChanged, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var queue = await redis.GetSubscriber().SubscribeAsync(Topic);
                queue.OnMessage(message =>
                {
                    if (Guid.TryParseExact(message.Message.ToString(), "N", out var channelId))
                    {
                        onChanged(channelId);
                    }
                });
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogNotSubscribed(logger, exception.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot listen for channel changes yet ({Reason}); cached entries are kept 1 s until then")]
    private static partial void LogNotSubscribed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not announce the change of channel {ChannelId} ({Reason}); other replicas see it when their entries expire")]
    private static partial void LogPublishFailed(ILogger logger, Guid channelId, string reason);
}
