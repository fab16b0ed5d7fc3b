using System.Diagnostics;
using System.Globalization;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace HybridStreaming.AppHost;

/// <summary>
/// Tells the developer where to go once everything is up: the time from the AppHost's start until every
/// resource is healthy, the gateway's pages (the channel list and the seller's studio) and the dashboard
/// (with its login token, unless anonymous access is configured). The line starts with <c>All </c> and is stable: benchmarks read it.
/// </summary>
internal sealed class StartupReport(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    IConfiguration configuration)
{
    public const string Prefix = "All ";

    /// <summary>Starts reporting when the application starts (run mode only).</summary>
    public static void Register(IDistributedApplicationBuilder builder)
    {
        // Off for the tests (AppHost:Console=false): their output is their own.
        if (!builder.ExecutionContext.IsRunMode || !builder.Configuration.GetValue("AppHost:Console", true))
        {
            return;
        }

        // Subscribed to the start event rather than run as a hosted service: Aspire's own hosted
        // services start the resources, and one started after them would only begin reporting then.
        builder.Eventing.Subscribe<BeforeStartEvent>((start, cancellationToken) =>
        {
            var services = start.Services;
            var report = new StartupReport(start.Model, services.GetRequiredService<ResourceNotificationService>(), services.GetRequiredService<IConfiguration>());
            _ = report.WatchAsync(services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
            return Task.CompletedTask;
        });
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();

        var resources = model.Resources.Where(AppTopology.IsPartOfTopology).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        var reported = false;
        try
        {
            // One line per change of a resource's state or health, as it happens: what is starting, what
            // waits, what failed — the dashboard shows the same with each resource's logs.
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!resources.Contains(update.Resource.Name) || update.Snapshot.IsHidden || update.Snapshot.State?.Text is not { Length: > 0 })
                {
                    continue;
                }

                var state = update.Snapshot.State!.Text;
                var health = update.Snapshot.HealthStatus?.ToString();
                var line = health is null || state != KnownResourceStates.Running ? state : $"{state} ({health})";
                if (!last.TryGetValue(update.Resource.Name, out var previous) || previous != line)
                {
                    last[update.Resource.Name] = line;
                    Console.WriteLine($"  {update.Resource.Name,-20} {line}");
                }

                if (!reported && resources.All(name => last.TryGetValue(name, out var current) && current is "Running (Healthy)" or "Running"))
                {
                    reported = true;
                    Report(resources.Count);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Report(int count)
    {
        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var gateway = model.Resources.OfType<ServiceResource>().FirstOrDefault(r => r.Name == KnownResources.Gateway);
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}{count} resources are healthy after {elapsed.TotalSeconds:0.0} s."),
        };
        if (gateway is not null)
        {
            var url = gateway.GetEndpoint("http").Url;
            lines.Add($"  channels:  {url}/         the channel list (buyers watch at /watch/<channel id>)");
            lines.Add($"  studio:    {url}/studio   the seller's studio");
        }

        if (DashboardUrl() is { } dashboard)
        {
            lines.Add($"  dashboard: {dashboard}");
        }

        Console.WriteLine(string.Join(Environment.NewLine, lines));
    }

    private string? DashboardUrl()
    {
        if (configuration["ASPNETCORE_URLS"] is not { Length: > 0 } urls || model.Resources.All(r => r.Name != "aspire-dashboard"))
        {
            return null;
        }

        var url = urls.Split(';')[0].TrimEnd('/');
        var anonymous = string.Equals(configuration["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"], "true", StringComparison.OrdinalIgnoreCase);
        return !anonymous && configuration["AppHost:BrowserToken"] is { Length: > 0 } token
            ? $"{url}/login?t={token}"
            : $"{url}/";
    }
}
