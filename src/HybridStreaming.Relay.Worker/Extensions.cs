using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging;
using HybridStreaming.Relay.Worker.Infrastructure;
using HybridStreaming.ServiceDefaults;
using MassTransit;

namespace HybridStreaming.Relay.Worker;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<RelaysDbContext>(KnownResources.RelaysDatabase);
        builder.AddMessaging<RelaysDbContext>("relay", bus => bus.AddConsumers(typeof(Extensions).Assembly));
    }
}
