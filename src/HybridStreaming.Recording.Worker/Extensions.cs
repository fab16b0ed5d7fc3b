using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Recording.Worker.Application;
using HybridStreaming.Recording.Worker.Infrastructure;
using HybridStreaming.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HybridStreaming.Recording.Worker;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RecordingOptions>().BindConfiguration("Recording");
        builder.AddServiceDatabase<RecordingsDbContext>(KnownResources.RecordingsDatabase);
        builder.AddMessaging<RecordingsDbContext>("recording", bus => bus.AddConsumers(typeof(Extensions).Assembly));
        builder.AddAgoraClients();
        builder.Services.AddSingleton<CloudRecordingRateLimiter>();
        builder.Services.AddScoped<RecordingSteps>();
        builder.Services.AddHostedService<RecordingProcessor>();
    }
}
