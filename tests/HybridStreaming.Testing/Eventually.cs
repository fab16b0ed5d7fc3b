using System.Diagnostics;

namespace HybridStreaming.Testing;

/// <summary>Polls until a condition holds. Timeouts are generous: figures come from benchmarks, not tests.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what, TimeSpan? interval = null)
    {
        var started = Stopwatch.GetTimestamp();
        T last;
        while (true)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; last value: {last}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        ValueAsync(condition, ok => ok, timeout, what);

    public static Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        ValueAsync(() => Task.FromResult(condition()), ok => ok, timeout, what);
}
