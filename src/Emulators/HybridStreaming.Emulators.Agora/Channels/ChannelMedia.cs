using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Processes;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HybridStreaming.Emulators.Agora.Channels;

/// <summary>
/// The channels' media (architecture §8.6/§8.7): while a broadcaster is in a channel, ONE synthetic
/// encoder stands for the seller and publishes into an internal nginx-rtmp application; converters and
/// recordings read that stream with <c>ffmpeg -c copy</c>. nginx tells the emulator (on_publish /
/// on_publish_done) when a channel's stream is really live. With media off there are no processes:
/// a channel's media is "live" exactly while a broadcaster is in it.
/// </summary>
public sealed class ChannelMedia(
    ChannelRegistry channels,
    AgoraSettings settings,
    EmulatorOptions options,
    SecretMasker secrets,
    IHostApplicationLifetime lifetime,
    ILogger<ChannelMedia> logger) : IHostedService, IHealthCheck
{
    public const string Application = "channels";

    public NginxRtmpServer? Nginx { get; private set; }

    public string SourceUrl(Channel channel) => Nginx!.Url(Application, channel.StreamName);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        channels.MediaSwitch = Switch;
        Directory.CreateDirectory(options.ScratchDirectory);
        if (!options.Media)
        {
            logger.LogInformation("Media is off (EMULATOR_MEDIA=off): no encoders, converters push through HTTP");
            return Task.CompletedTask;
        }

        MediaTools.Require();
        MediaServerHosting.StartWhenListening(lifetime, logger,
            () => new NginxRtmpServer(
                Path.Combine(options.ScratchDirectory, "nginx"),
                settings.RtmpPort,
                [new RtmpApplication(Application)
                {
                    OnPublishUrl = $"{Self()}/__emulator/internal/media/publish",
                    OnPublishDoneUrl = $"{Self()}/__emulator/internal/media/unpublish",
                }],
                logger,
                secrets),
            nginx => Nginx = nginx);
        return Task.CompletedTask;
    }

    /// <summary>Called inside the registry lock when a channel gets its first broadcaster (on) or loses its last (off).</summary>
    private void Switch(Channel channel, bool on)
    {
        if (!options.Media)
        {
            channels.SetMediaLive(channel, on);
            return;
        }

        if (on)
        {
            StartEncoder(channel);
        }
        else if (channel.Encoder is { } encoder)
        {
            channel.Encoder = null;
            _ = Task.Run(async () =>
            {
                await encoder.StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(3));
                await encoder.DisposeAsync();
            });
        }
    }

    private void StartEncoder(Channel channel)
    {
        if (Nginx is null)
        {
            logger.LogWarning("Channel {Channel}: no media, the internal RTMP server is not running", channel.Name);
            return;
        }

        var encoder = ManagedProcess.Start(
            "source-" + channel.StreamName[..8],
            new ProcessLaunch(MediaTools.Ffmpeg, FfmpegCommands.SyntheticSource(
                channel.Name, SourceUrl(channel), settings.Width, settings.Height, settings.FramesPerSecond, settings.KeyframeSeconds)),
            new LoggerProcessOutput(logger, secrets));
        channel.Encoder = encoder;
        logger.LogInformation("Channel {Channel}: synthetic source started (pid {Pid})", channel.Name, encoder.Pid);
        _ = encoder.Exited.ContinueWith(async exited =>
        {
            // An encoder that dies while the seller is still "in" the channel is restarted.
            await Task.Delay(1000);
            lock (channels.Sync)
            {
                if (channel.Encoder == encoder && channel.Broadcasters.Count > 0 && !lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    logger.LogWarning("Channel {Channel}: the source exited with {Code}; restarting it", channel.Name, exited.Result);
                    StartEncoder(channel);
                }
            }
        }, TaskScheduler.Default);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<ManagedProcess> encoders;
        lock (channels.Sync)
        {
            encoders = [.. channels.All.Select(c => c.Encoder).OfType<ManagedProcess>()];
            foreach (var channel in channels.All)
            {
                channel.Encoder = null;
            }
        }

        await Task.WhenAll(encoders.Select(e => e.StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(3))));
        if (Nginx is { } nginx)
        {
            await nginx.DisposeAsync();
        }

        MediaServerHosting.DeleteScratch(options);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(MediaServerHosting.Health(options, Nginx, Application));

    /// <summary>The emulator's own address, for nginx's hooks.</summary>
    public Func<string> Self { get; set; } = () => "http://127.0.0.1:8091";
}
