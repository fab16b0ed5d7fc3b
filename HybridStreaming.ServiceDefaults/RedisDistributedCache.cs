using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// <see cref="IDistributedCache"/> on the shared Redis connection — HybridCache's second level. When
/// Redis is unreachable a read is a miss and a write is skipped (logged), so callers fall back to the
/// source of truth instead of failing: the cache can be slower without Redis, never wrong or down.
/// It runs on the multiplexer Aspire's Redis integration registers (<c>AddServiceRedis</c>);
/// Aspire.StackExchange.Redis.DistributedCaching is not obtainable.
/// </summary>
public sealed partial class RedisDistributedCache(IConnectionMultiplexer redis, ILogger<RedisDistributedCache> logger) : IDistributedCache
{
    private IDatabase Database => redis.GetDatabase();

    public byte[]? Get(string key) => GetAsync(key).GetAwaiter().GetResult();

    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        try
        {
            var value = await Database.StringGetAsync(key);
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogUnavailable(logger, "read", exception.Message);
            return null;
        }
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => SetAsync(key, value, options).GetAwaiter().GetResult();

    public async Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        try
        {
            await (Expiry(options) is { } ttl
                ? Database.StringSetAsync(key, value, ttl)
                : Database.StringSetAsync(key, value));
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogUnavailable(logger, "write", exception.Message);
        }
    }

    public void Refresh(string key) => RefreshAsync(key).GetAwaiter().GetResult();

    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        // Only sliding expirations need refreshing; entries here use absolute ones, so touching the key is enough.
        try
        {
            await Database.KeyTouchAsync(key);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogUnavailable(logger, "refresh", exception.Message);
        }
    }

    public void Remove(string key) => RemoveAsync(key).GetAwaiter().GetResult();

    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        try
        {
            await Database.KeyDeleteAsync(key);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            // Entries expire by themselves; a missed removal heals within their lifetime.
            LogUnavailable(logger, "remove", exception.Message);
        }
    }

    private static TimeSpan? Expiry(DistributedCacheEntryOptions options) =>
        options.AbsoluteExpirationRelativeToNow
        ?? (options.AbsoluteExpiration is { } at ? at - DateTimeOffset.UtcNow : (TimeSpan?)null)
        ?? options.SlidingExpiration;

    private static bool IsRedisFailure(Exception exception) => exception is RedisException or TimeoutException;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for cache {Operation} ({Reason}); falling back")]
    private static partial void LogUnavailable(ILogger logger, string operation, string reason);
}
