using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Faults;
using HybridStreaming.Emulators.CloudflareStream.Api;
using HybridStreaming.Emulators.CloudflareStream.Domain;
using HybridStreaming.Emulators.CloudflareStream.Ingest;

namespace HybridStreaming.Emulators.CloudflareStream;

public static class Extensions
{
    public static WebApplicationBuilder AddCloudflareStreamEmulator(this WebApplicationBuilder builder)
    {
        builder.AddEmulatorDefaults("cloudflare-stream");
        var settings = StreamSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<IProviderErrors, CloudflareErrors>();
        builder.Services.AddSingleton<StreamStore>();
        builder.Services.AddSingleton<StreamEndpoints>();
        builder.Services.AddSingleton<StreamJson>();
        builder.Services.AddSingleton<StreamNotifier>();
        builder.Services.AddSingleton<IngestService>();
        builder.Services.AddSingleton<IngestMedia>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestMedia>());
        builder.Services.AddHealthChecks().AddCheck<IngestMedia>("rtmp-ingest");
        builder.Services.AddSingleton<BearerAuthFilter>();
        return builder;
    }

    public static WebApplication MapCloudflareStreamEmulator(this WebApplication app)
    {
        var secrets = app.Services.GetRequiredService<SecretMasker>();
        var settings = app.Services.GetRequiredService<StreamSettings>();
        secrets.Add(settings.ApiToken);
        secrets.Add(settings.WebhookSecret);
        secrets.Add(settings.NotificationsSecret);
        app.Logger.LogInformation(
            "Cloudflare Stream emulator for account {AccountId} ({Options}); notifications to {NotificationUrl}",
            settings.AccountId, app.Services.GetRequiredService<EmulatorOptions>(), settings.NotificationUrl?.ToString() ?? "(none)");

        app.UseEmulatorDefaults();
        var stream = app.MapGroup("/client/v4/accounts/{account_id}/stream")
            .AddEndpointFilter<BearerAuthFilter>();
        stream.MapLiveInputsApi();
        stream.MapVideosApi();
        app.Map("/client/v4/{**rest}", () => Envelope.NoRouteFound());
        app.MapIngestApi();
        app.MapPlaybackApi();
        return app;
    }
}
