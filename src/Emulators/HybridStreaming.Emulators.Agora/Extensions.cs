using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Faults;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Emulators.Agora.Api;
using HybridStreaming.Emulators.Agora.Channels;
using HybridStreaming.Emulators.Agora.MediaPush;
using HybridStreaming.Emulators.Agora.Notifications;
using HybridStreaming.Emulators.Agora.Recording;

namespace HybridStreaming.Emulators.Agora;

public static class Extensions
{
    public static WebApplicationBuilder AddAgoraEmulator(this WebApplicationBuilder builder)
    {
        builder.AddEmulatorDefaults("agora");
        builder.Services.AddSingleton(AgoraSettings.From(builder.Configuration));
        builder.Services.AddSingleton<IProviderErrors, AgoraProviderErrors>();
        builder.Services.AddSingleton<NcsNotifier>();
        builder.Services.AddSingleton<ChannelRegistry>();
        builder.Services.AddSingleton<ChannelMedia>();
        builder.Services.AddSingleton<CloudRecording>();
        builder.Services.AddSingleton<MediaPushService>();
        builder.Services.AddSingleton<BasicAuthFilter>();
        // Registered before the media, so it stops after the readers: recordings and converters end first, then encoders and nginx.
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChannelMedia>());
        builder.Services.AddHostedService<MediaReadersShutdown>();
        builder.Services.AddHealthChecks().AddCheck<ChannelMedia>("channel-media");
        return builder;
    }

    public static WebApplication MapAgoraEmulator(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<AgoraSettings>();
        var secrets = app.Services.GetRequiredService<SecretMasker>();
        foreach (var secret in new[] { settings.AppCertificate, settings.CustomerSecret, settings.NcsSecret })
        {
            secrets.Add(secret);
        }

        Directory.CreateDirectory(settings.StorageDirectory);
        // Both subscribe to channel changes when created.
        app.Services.GetRequiredService<CloudRecording>();
        app.Services.GetRequiredService<MediaPushService>();
        var media = app.Services.GetRequiredService<ChannelMedia>();
        media.Self = () => app.Urls.FirstOrDefault()?.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal) ?? "http://127.0.0.1:8091";
        app.Logger.LogInformation(
            "Agora emulator for App ID {AppId} ({Options}); recordings in {Storage}; NCS events {NcsEvents} to {NcsUrl}",
            settings.AppId, app.Services.GetRequiredService<EmulatorOptions>(), settings.StorageDirectory, settings.NcsEvents, settings.NcsWebhookUrl?.ToString() ?? "(none)");

        app.UseEmulatorDefaults();
        app.MapChannelsApi();
        app.MapCloudRecordingApi();
        app.MapMediaPushApi();
        app.MapFallback(() => AgoraErrors.NoRoute());
        return app;
    }
}

/// <summary>On shutdown, finishes every recording file and stops every converter before the sources go.</summary>
public sealed class MediaReadersShutdown(ChannelRegistry channels, CloudRecording recording, MediaPushService push) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        List<RtmpForwarder> readers;
        lock (channels.Sync)
        {
            readers = [.. recording.ActiveRecorders(), .. push.ActiveForwarders()];
        }

        await Task.WhenAll(readers.Select(r => r.DisposeAsync().AsTask()));
    }
}
