using HybridStreaming.Channels.Api.Domain;
using StackExchange.Redis;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>Viewers of a session right now and the most at once.</summary>
public sealed record ViewerCounts(int Current, int Peak);

/// <summary>A session's presence so far: counts, distinct viewers and minutes by delivery path.</summary>
public sealed record ViewerTotals(int Current, int Peak, int UniqueViewers, decimal HlsMinutes, decimal AgoraMinutes)
{
    public ViewerUsage ToUsage(bool complete) => new(Peak, UniqueViewers, HlsMinutes, AgoraMinutes, complete);
}

/// <summary>
/// Who is watching, in Redis only, so the steady state of thousands of buyers touches no Postgres and
/// every Channel API replica sees the same counts. Per session, two keys (one hash slot):
/// <list type="bullet">
/// <item><c>presence:{session}:seen</c>, a sorted set: viewer id → time of their last heartbeat (Redis's
/// clock, so replicas' clocks do not matter). Current viewers are those seen within the presence window;
/// its size is the number of distinct viewers.</item>
/// <item><c>presence:{session}:usage</c>, a hash: the peak, and milliseconds watched per delivery path.
/// A heartbeat adds the time since the same viewer's previous one when that is within the window, so a
/// viewer's minutes are exact to within one beat, and a gap longer than the window (they left) adds nothing.</item>
/// </list>
/// Each heartbeat is one round trip (a script), and so are the counts of a page of sessions (a pipeline). Keys expire a day after the last heartbeat; the totals are
/// copied into the session when it ends. Redis being down makes calls return null, never throw.
/// </summary>
public sealed partial class ViewerPresence(IConnectionMultiplexer redis, ChannelsOptions options, Infrastructure.ChannelsMetrics metrics, ILogger<ViewerPresence> logger)
{
    private static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(1);

    private const string BeatScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local window = tonumber(ARGV[2])
        local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        local added = 0
        if previous then
          local gap = now - tonumber(previous)
          if gap > 0 and gap <= window then
            redis.call('HINCRBY', KEYS[2], ARGV[3], gap)
            added = gap
          end
        end
        local current = redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')
        local peak = tonumber(redis.call('HGET', KEYS[2], 'peak') or '0')
        if current > peak then
          peak = current
          redis.call('HSET', KEYS[2], 'peak', peak)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return {current, peak, added}
        """;

    private const string TotalsScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local current = redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')
        local usage = redis.call('HMGET', KEYS[2], 'peak', 'hls', 'agora')
        return {current, tonumber(usage[1] or '0'), redis.call('ZCARD', KEYS[1]), tonumber(usage[2] or '0'), tonumber(usage[3] or '0')}
        """;

    private long _lastFailureLog;

    /// <summary>Records a heartbeat; the counts after it, or null when Redis cannot be reached (the beat is lost).</summary>
    public async Task<ViewerCounts?> BeatAsync(Guid sessionId, string viewerId, DeliveryPath path)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                BeatScript,
                [SeenKey(sessionId), UsageKey(sessionId)],
                [viewerId, (long)options.PresenceWindow.TotalMilliseconds, path == DeliveryPath.Hls ? "hls" : "agora", (long)KeyLifetime.TotalMilliseconds]))!;
            metrics.Heartbeat(path, (long)result[2]);
            return new ViewerCounts((int)result[0], (int)result[1]);
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure("heartbeat", exception);
            return null;
        }
    }

    /// <summary>The session's presence so far, or null when Redis cannot be reached.</summary>
    public async Task<ViewerTotals?> TotalsAsync(Guid sessionId)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                TotalsScript,
                [SeenKey(sessionId), UsageKey(sessionId)],
                [(long)options.PresenceWindow.TotalMilliseconds]))!;
            return new ViewerTotals(
                (int)result[0], (int)result[1], (int)result[2], Minutes((long)result[3]), Minutes((long)result[4]));
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure("count", exception);
            return null;
        }
    }

    /// <summary>
    /// The counts of many sessions (a page of the channel list) in one round trip: the same script as
    /// <see cref="TotalsAsync"/>, once per session (each touches only its own session's keys), pipelined.
    /// Null when Redis cannot be reached.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, ViewerCounts>?> CountsAsync(IReadOnlyCollection<Guid> sessionIds)
    {
        if (sessionIds.Count == 0)
        {
            return new Dictionary<Guid, ViewerCounts>();
        }

        try
        {
            var batch = redis.GetDatabase().CreateBatch();
            var window = (long)options.PresenceWindow.TotalMilliseconds;
            var reads = sessionIds.Distinct()
                .Select(id => (Id: id, Result: batch.ScriptEvaluateAsync(TotalsScript, [SeenKey(id), UsageKey(id)], [window])))
                .ToList();
            batch.Execute();
            await Task.WhenAll(reads.Select(read => read.Result));

            var counts = new Dictionary<Guid, ViewerCounts>(reads.Count);
            foreach (var (id, read) in reads)
            {
                var result = (RedisResult[])(await read)!;
                counts[id] = new ViewerCounts((int)result[0], (int)result[1]);
            }

            return counts;
        }
        catch (Exception exception) when (IsRedisFailure(exception))
        {
            LogFailure("counts", exception);
            return null;
        }
    }

    /// <summary>The usage to report when the session ends: what Redis counted, or nothing (and incomplete) when it cannot be read.</summary>
    public async Task<ViewerUsage> UsageAsync(Guid sessionId) =>
        await TotalsAsync(sessionId) is { } totals ? totals.ToUsage(complete: true) : ViewerUsage.Unknown;

    private static RedisKey SeenKey(Guid sessionId) => $"presence:{{{sessionId:N}}}:seen";

    private static RedisKey UsageKey(Guid sessionId) => $"presence:{{{sessionId:N}}}:usage";

    /// <summary>Exact minutes from milliseconds (3 decimals), never rounded per minute.</summary>
    private static decimal Minutes(long milliseconds) => decimal.Round(milliseconds / 60_000m, 3);

    private static bool IsRedisFailure(Exception exception) => exception is RedisException or TimeoutException;

    /// <summary>At most one warning every 10 s: thousands of viewers beating into a Redis outage would otherwise flood the log.</summary>
    private void LogFailure(string operation, Exception exception)
    {
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastFailureLog);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastFailureLog, now, last) == last)
        {
            LogUnavailable(logger, operation, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Viewer presence unavailable for {Operation} ({Reason}); viewers are not being counted")]
    private static partial void LogUnavailable(ILogger logger, string operation, string reason);
}
