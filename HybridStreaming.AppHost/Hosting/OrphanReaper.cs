using HybridStreaming.Processes;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// Once this process is a child subreaper, orphaned descendants are re-parented to it; this reaps those
/// that exit so none lingers as a zombie. Only zombies seen twice are reaped — a child started through
/// <see cref="System.Diagnostics.Process"/> is reaped by .NET itself, immediately.
/// </summary>
internal sealed class OrphanReaper : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private HashSet<int> _seen = [];

    private OrphanReaper() => _loop = RunAsync(_stop.Token);

    public static OrphanReaper? TryStart() => Native.BecomeChildSubreaper() ? new OrphanReaper() : null;

    /// <summary>Reaps what is dead now (also called after shutdown, before the AppHost exits).</summary>
    public void ReapNow(bool force)
    {
        var self = Environment.ProcessId;
        var zombies = ProcessTree.Snapshot().Where(p => p.ParentPid == self && p.IsZombie).Select(p => p.Pid).ToHashSet();
        foreach (var pid in zombies)
        {
            if (force || _seen.Contains(pid))
            {
                Native.TryReap(pid);
            }
        }

        _seen = zombies;
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                ReapNow(force: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
