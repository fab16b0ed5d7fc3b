using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging;
using HybridStreaming.ServiceDefaults;
using MassTransit;

namespace HybridStreaming.Channels.Api;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ChannelsDbContext>(KnownResources.ChannelsDatabase);
        builder.AddRedisClient(KnownResources.Redis);
        builder.AddMessaging<ChannelsDbContext>("channels", bus => bus.AddConsumers(typeof(Extensions).Assembly));
    }
}
