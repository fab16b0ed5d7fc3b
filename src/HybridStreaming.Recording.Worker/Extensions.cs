using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging;
using HybridStreaming.Recording.Worker.Infrastructure;
using HybridStreaming.ServiceDefaults;
using MassTransit;

namespace HybridStreaming.Recording.Worker;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RecordingsDbContext>(KnownResources.RecordingsDatabase);
        builder.AddMessaging<RecordingsDbContext>("recording", bus => bus.AddConsumers(typeof(Extensions).Assembly));
    }
}
