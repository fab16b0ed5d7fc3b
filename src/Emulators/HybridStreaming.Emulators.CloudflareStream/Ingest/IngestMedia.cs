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
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.ScratchDirectory);
        if (!options.Media)
        {
            logger.LogInformation("Media is off (EMULATOR_MEDIA=off): pushes are made with POST /__emulator/rtmp/publish");
            return Task.CompletedTask;
        }

        MediaTools.Require();
        MediaServerHosting.StartWhenListening(lifetime, logger,
            () =>
            {
                var self = endpoints.Self.GetLeftPart(UriPartial.Authority);
                return new NginxRtmpServer(
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
            },
            nginx =>
            {
                endpoints.IngestRtmpPort = nginx.RtmpPort;
                ingest.Nginx = nginx;
            });
        return Task.CompletedTask;
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

        MediaServerHosting.DeleteScratch(options);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(MediaServerHosting.Health(options, ingest.Nginx, IngestService.Application));
}
