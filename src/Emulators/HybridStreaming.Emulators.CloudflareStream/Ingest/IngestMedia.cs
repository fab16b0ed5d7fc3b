using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Emulators.CloudflareStream.Domain;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HybridStreaming.Emulators.CloudflareStream.Ingest;

/// <summary>
/// Runs the ingest nginx-rtmp while media is on: application <c>live</c>, publishes checked by
/// on_publish against the emulator, live HLS written to the scratch folder. Stops it (and every
/// simulcast ffmpeg) with the emulator, then deletes the scratch folder.
/// </summary>
public sealed class IngestMedia(
    IngestService ingest,
    StreamStore store,
    StreamSettings settings,
    StreamEndpoints endpoints,
    EmulatorOptions options,
    SecretMasker secrets,
    IHostApplicationLifetime lifetime,
    ILogger<IngestMedia> logger) : IHostedService, IHealthCheck
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.ScratchDirectory);
        if (!options.Media)
        {
            logger.LogInformation("Media is off (EMULATOR_MEDIA=off): pushes are made with POST /__emulator/rtmp/publish");
            return;
        }

        MediaTools.Require();
        // The hooks need the emulator's HTTP port, known once the server listens.
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        _ = Task.Run(async () =>
        {
            await started.Task;
            var self = endpoints.Self.GetLeftPart(UriPartial.Authority);
            var nginx = new NginxRtmpServer(
                Path.Combine(options.ScratchDirectory, "nginx"),
                settings.RtmpPort,
                [new RtmpApplication(IngestService.Application)
                {
                    OnPublishUrl = $"{self}/__emulator/rtmp/publish",
                    OnPublishDoneUrl = $"{self}/__emulator/rtmp/unpublish",
                    HlsDirectory = ingest.HlsRoot,
                    HlsFragmentSeconds = settings.HlsSegmentSeconds,
                    HlsPlaylistSeconds = Math.Max(settings.HlsWindowSeconds, settings.HlsSegmentSeconds * 3),
                }],
                logger,
                secrets);
            try
            {
                await nginx.StartAsync(lifetime.ApplicationStopping);
                endpoints.IngestRtmpPort = nginx.RtmpPort;
                ingest.Nginx = nginx;
            }
            catch (Exception exception) when (exception is InvalidOperationException or OperationCanceledException)
            {
                logger.LogError("The RTMP ingest did not start: {Error}", exception.Message);
                await nginx.DisposeAsync();
            }
        }, CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<LiveOutput> outputs;
        lock (store.Sync)
        {
            outputs = [.. store.Inputs.Values.SelectMany(i => i.Outputs).Where(o => o.Forwarder is not null)];
        }

        await Task.WhenAll(outputs.Select(o => o.Forwarder!.DisposeAsync().AsTask()));
        if (ingest.Nginx is { } nginx)
        {
            await nginx.DisposeAsync();
        }

        try
        {
            Directory.Delete(options.ScratchDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(!options.Media
            ? HealthCheckResult.Healthy("media off")
            : ingest.Nginx is { IsRunning: true } nginx
                ? HealthCheckResult.Healthy($"rtmp://127.0.0.1:{nginx.RtmpPort}/live/")
                : HealthCheckResult.Unhealthy("nginx-rtmp is not running"));
}
