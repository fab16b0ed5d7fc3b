using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Recording.Worker.Application;

/// <summary>
/// Keeps this worker's Cloud Recording calls under Agora's quota (10 requests per second per App ID,
/// agora.md §2.6) instead of finding it by 429s: many simultaneous go-lives queue here, in order, rather
/// than storming the API and retrying. With several replicas, give each its share
/// (<c>Recording:MaxRequestsPerSecond</c>).
/// </summary>
public sealed class CloudRecordingRateLimiter : IDisposable
{
    private readonly TokenBucketRateLimiter _limiter;

    public CloudRecordingRateLimiter(IOptions<RecordingOptions> options)
    {
        // Paced in tenths of a second, never in bursts of a whole second's quota: Agora counts over any
        // second, and a bucket of n tokens refilled once a second lets 2n calls through around a refill.
        // At 10/s that is one call every 100 ms.
        var perSecond = Math.Max(1, options.Value.MaxRequestsPerSecond);
        var perSlice = Math.Max(1, (int)Math.Ceiling(perSecond / 10.0));
        _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSlice,
            TokensPerPeriod = perSlice,
            ReplenishmentPeriod = TimeSpan.FromSeconds((double)perSlice / perSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits (in order) for a slot, then runs <paramref name="call"/>: for calls that must happen, like stops.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync(1, cancellationToken);
        return await call();
    }

    /// <summary>
    /// Runs <paramref name="call"/> if a slot frees up within <paramref name="patience"/>; otherwise returns
    /// <c>(false, default)</c> so the caller can come back later instead of queueing — polls and starts
    /// must not crowd out the stops waiting behind them.
    /// </summary>
    public async Task<(bool Ran, T? Result)> TryRunAsync<T>(Func<Task<T>> call, TimeSpan patience, CancellationToken cancellationToken)
    {
        RateLimitLease lease;
        if (patience <= TimeSpan.Zero)
        {
            lease = _limiter.AttemptAcquire(1);
        }
        else
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(patience);
            try
            {
                lease = await _limiter.AcquireAsync(1, wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return (false, default);
            }
        }

        using (lease)
        {
            return lease.IsAcquired ? (true, await call()) : (false, default);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
