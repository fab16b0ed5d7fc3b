using System.Collections.Concurrent;
using HybridStreaming.ServiceDefaults;
using Microsoft.Net.Http.Headers;

namespace HybridStreaming.Gateway;

/// <summary>
/// The reads every buyer's player makes — a channel's playback, status and viewer counts — answered by the
/// gateway from memory instead of a proxied round trip to the Channel API for each of thousands of buyers.
/// <list type="bullet">
/// <item>These answers are the same for every caller allowed to read them (they hold nothing about the
/// caller), so one cached answer serves all; the caller's token is still checked here, and the Channel API
/// checks the token of the one request that fills the entry.</item>
/// <item>Fresh: the Channel API announces every session change on the <see cref="ChannelChangeFeed"/>,
/// which drops the channel's entries at once; playback then lives 10 s, status and viewer counts (which
/// move with every heartbeat) 1 s. While Redis is unreachable no change can be heard, so every entry
/// lives 1 s.</item>
/// <item>Concurrent misses for the same entry make one upstream request. Only 200 answers are kept;
/// others (not live, not found) are passed on as the Channel API gave them.</item>
/// </list>
/// </summary>
internal sealed class ViewerReads(IHttpClientFactory clients, ChannelChangeFeed changes, TimeProvider clock)
{
    public const string ClientName = "channel-api-reads";

    private static readonly TimeSpan Short = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PlaybackLifetime = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Task<Answer>> _entries = new();

    public enum Read
    {
        Playback,
        Status,
        Viewers,
    }

    /// <summary>Entries held now (for the sweep and the tests).</summary>
    public int Count => _entries.Count;

    public async Task ServeAsync(HttpContext context, Guid channelId, Read read)
    {
        Answer answer;
        try
        {
            answer = await GetAsync(context, channelId, read);
        }
        catch (HttpRequestException exception)
        {
            await Results.Problem(
                title: "The Channel API is unreachable.",
                detail: exception.Message,
                statusCode: StatusCodes.Status502BadGateway).ExecuteAsync(context);
            return;
        }

        context.Response.StatusCode = answer.Status;
        if (answer.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType;
        }

        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = answer.Body.Length;
        await context.Response.Body.WriteAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>Drops what is held about a channel (its session changed).</summary>
    public void Forget(Guid channelId)
    {
        foreach (var read in Enum.GetValues<Read>())
        {
            _entries.TryRemove(Key(channelId, read), out _);
        }
    }

    /// <summary>Drops expired entries, so channels nobody reads any more do not stay in memory.</summary>
    public void Sweep()
    {
        var now = clock.GetTimestamp();
        foreach (var (key, task) in _entries)
        {
            if (task.IsCompleted && (!task.IsCompletedSuccessfully || task.Result.ExpiresAt <= now))
            {
                _entries.TryRemove(new KeyValuePair<string, Task<Answer>>(key, task));
            }
        }
    }

    private async Task<Answer> GetAsync(HttpContext context, Guid channelId, Read read)
    {
        var key = Key(channelId, read);
        while (true)
        {
            if (_entries.TryGetValue(key, out var held))
            {
                if (!held.IsCompleted || (held.IsCompletedSuccessfully && held.Result.ExpiresAt > clock.GetTimestamp()))
                {
                    return await held;
                }

                var fresh = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_entries.TryUpdate(key, fresh.Task, held))
                {
                    return await FillAsync(context, channelId, read, key, fresh);
                }
            }
            else
            {
                var fresh = new TaskCompletionSource<Answer>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (_entries.TryAdd(key, fresh.Task))
                {
                    return await FillAsync(context, channelId, read, key, fresh);
                }
            }
        }
    }

    private async Task<Answer> FillAsync(HttpContext context, Guid channelId, Read read, string key, TaskCompletionSource<Answer> entry)
    {
        try
        {
            var answer = await FetchAsync(context, channelId, read);
            entry.SetResult(answer);
            if (answer.Status != StatusCodes.Status200OK)
            {
                _entries.TryRemove(new KeyValuePair<string, Task<Answer>>(key, entry.Task));
            }

            return answer;
        }
        catch (Exception exception)
        {
            entry.SetException(exception);
            _entries.TryRemove(new KeyValuePair<string, Task<Answer>>(key, entry.Task));
            throw;
        }
    }

    private async Task<Answer> FetchAsync(HttpContext context, Guid channelId, Read read)
    {
        // Not the caller's cancellation: the answer may serve others who are waiting for it.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/channels/{channelId}/{Path(read)}");
        request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, context.Request.Headers.Authorization.ToString());
        using var response = await clients.CreateClient(ClientName).SendAsync(request, CancellationToken.None);
        var body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
        var lifetime = read == Read.Playback && changes.IsListening ? PlaybackLifetime : Short;
        return new Answer(
            (int)response.StatusCode,
            body,
            response.Content.Headers.ContentType?.ToString(),
            clock.GetTimestamp() + (long)(lifetime.TotalSeconds * clock.TimestampFrequency));
    }

    private static string Key(Guid channelId, Read read) => $"{channelId:N}/{Path(read)}";

    private static string Path(Read read) => read switch
    {
        Read.Playback => "playback",
        Read.Status => "status",
        _ => "viewers",
    };

    private sealed record Answer(int Status, byte[] Body, string? ContentType, long ExpiresAt);
}

/// <summary>Keeps <see cref="ViewerReads"/> in step: listens for channel changes, sweeps expired entries.</summary>
internal sealed class ViewerReadsMaintenance(ViewerReads reads, ChannelChangeFeed changes) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await changes.SubscribeAsync(reads.Forget, stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            reads.Sweep();
        }
    }
}
