using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common.Media;

/// <summary>The life of an emulator's nginx-rtmp: started once the emulator listens, reported by /health, scratch removed on stop.</summary>
public static class MediaServerHosting
{
    /// <summary>nginx's hooks call back into the emulator, so nginx starts once the emulator's HTTP server listens.</summary>
    public static void StartWhenListening(IHostApplicationLifetime lifetime, ILogger logger, Func<NginxRtmpServer> create, Action<NginxRtmpServer> started)
    {
        var listening = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => listening.TrySetResult());
        _ = Task.Run(async () =>
        {
            await listening.Task;
            var nginx = create();
            try
            {
                await nginx.StartAsync(lifetime.ApplicationStopping);
                started(nginx);
            }
            catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
            {
                logger.LogError("nginx-rtmp did not start: {Error}", exception.Message);
                await nginx.DisposeAsync();
            }
        }, CancellationToken.None);
    }

    public static HealthCheckResult Health(EmulatorOptions options, NginxRtmpServer? nginx, string application) =>
        !options.Media
            ? HealthCheckResult.Healthy("media off")
            : nginx is { IsRunning: true }
                ? HealthCheckResult.Healthy($"rtmp://127.0.0.1:{nginx.RtmpPort}/{application}/")
                : HealthCheckResult.Unhealthy("nginx-rtmp is not running");

    public static void DeleteScratch(EmulatorOptions options)
    {
        try
        {
            Directory.Delete(options.ScratchDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or in use by a process that is being killed: it is a scratch folder.
        }
    }
}
