using System.Text;
using HybridStreaming.AppHost.Hosting.Resources;

namespace HybridStreaming.AppHost.Hosting.Dashboard;

/// <summary>
/// The developers' dashboard in the terminal: a table of resources (name, state, URL, health) printed
/// whenever something changes, at most once a second, between the aggregated logs.
/// </summary>
internal sealed class ConsoleDashboard : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly SemaphoreSlim _changed = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private string _last = "";

    public ConsoleDashboard(DistributedApplication app)
    {
        _app = app;
        app.ResourcesChanged += OnChanged;
        _loop = RunAsync(_stop.Token);
    }

    public static string Render(IReadOnlyList<ResourceSnapshot> resources)
    {
        var nameWidth = Math.Max(8, resources.Max(r => r.Name.Length));
        var urlWidth = Math.Max(3, resources.Max(r => r.Url?.Length ?? 0));
        var table = new StringBuilder();
        var rule = new string('-', nameWidth + urlWidth + 48);
        table.AppendLine(rule);
        table.AppendLine($" {"RESOURCE".PadRight(nameWidth)}  {"STATE",-10}  {"URL".PadRight(urlWidth)}  HEALTH");
        foreach (var resource in resources)
        {
            var health = resource.State switch
            {
                ResourceState.Healthy => "healthy",
                ResourceState.Unhealthy or ResourceState.Failed or ResourceState.Exited => "x " + Shorten(resource.Detail),
                _ => Shorten(resource.Detail),
            };
            table.AppendLine($" {resource.Name.PadRight(nameWidth)}  {resource.State,-10}  {(resource.Url ?? "").PadRight(urlWidth)}  {health}");
        }

        table.Append(rule);
        return table.ToString();
    }

    private static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 60 ? text : text[..57] + "...";

    private void OnChanged()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                Print();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Print()
    {
        var table = Render(_app.Snapshot());
        if (table != _last)
        {
            _last = table;
            foreach (var line in table.Split(Environment.NewLine))
            {
                _app.Logs.Info(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _app.ResourcesChanged -= OnChanged;
        await _stop.CancelAsync();
        await _loop;
        Print();
        _stop.Dispose();
        _changed.Dispose();
    }
}
