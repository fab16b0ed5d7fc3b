using System.Diagnostics;
using System.Runtime.InteropServices;
using HybridStreaming.AppHost.Hosting.Dashboard;
using HybridStreaming.Processes;
using HybridStreaming.AppHost.Hosting.Resources;
using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.AppHost.Hosting;

/// <summary>
/// Runs the topology in the foreground until Ctrl+C (SIGINT) or SIGTERM, with the console and web
/// dashboards, then stops everything and reaps every process it started, directly or not.
/// </summary>
public static class AppHostRunner
{
    public static async Task<int> RunAsync(DistributedApplication app, DistributedApplicationOptions options)
    {
        var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we shut down in order ourselves
            if (stop.TrySetResult())
            {
                app.Logs.Info($"{context.Signal} received: stopping everything (this takes a few seconds)...");
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        await using var reaper = OrphanReaper.TryStart();
        var started = Stopwatch.GetTimestamp();
        app.Logs.Info($"HybridStreaming AppHost: state in {app.StateDirectory}");

        Microsoft.AspNetCore.Builder.WebApplication? web = null;
        try
        {
            await using (new ConsoleDashboard(app))
            {
                await app.StartAsync();
                if (options.DashboardPort >= 0)
                {
                    var port = DistributedApplicationOptions.PortOrFree(options.DashboardPort);
                    web = await WebDashboard.StartAsync(app, port);
                    app.Logs.Info($"Dashboard: http://127.0.0.1:{port}");
                }

                _ = AnnounceWhenHealthyAsync(app, started, stop.Task);
                await stop.Task;
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException)
        {
            app.Logs.Write("apphost", exception.Message, isError: true);
            await app.StopAsync();
            return 1;
        }
        finally
        {
            await app.StopAsync();
            if (web is not null)
            {
                await web.StopAsync();
                await web.DisposeAsync();
            }

            reaper?.ReapNow(force: true);
        }

        app.Logs.Info("Stopped. Data kept in " + app.StateDirectory + " for the next run.");
        return 0;
    }

    private static async Task AnnounceWhenHealthyAsync(DistributedApplication app, long started, Task stopping)
    {
        var healthy = Task.WhenAll(app.Resources.Select(r => r.FirstHealthy));
        await Task.WhenAny(healthy, stopping);
        if (stopping.IsCompleted)
        {
            return;
        }

        if (healthy.IsCompletedSuccessfully)
        {
            var gateway = app.Resources.OfType<ProjectResource>().FirstOrDefault(r => r.Name == KnownResources.Gateway);
            app.Logs.Info($"All {app.Resources.Count} resources are healthy after {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s."
                + (gateway is null ? "" : $" Open {gateway.HttpUrl}/ (gateway)."));
            app.Logs.Info("Press Ctrl+C to stop everything.");
        }
        else
        {
            app.Logs.Write("apphost", "Some resources failed to start; see the table above and .state/logs/.", isError: true);
        }
    }
}
