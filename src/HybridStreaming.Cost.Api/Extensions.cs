using HybridStreaming.Cost.Api.Infrastructure;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging;
using HybridStreaming.ServiceDefaults;
using MassTransit;

namespace HybridStreaming.Cost.Api;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CostsDbContext>(KnownResources.CostsDatabase);
        builder.AddMessaging<CostsDbContext>("cost", bus => bus.AddConsumers(typeof(Extensions).Assembly));
    }
}
