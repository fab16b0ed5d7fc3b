using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Relay.Worker.Application;
using HybridStreaming.Relay.Worker.Infrastructure;
using HybridStreaming.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HybridStreaming.Relay.Worker;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RelayOptions>().BindConfiguration("Relay")
            .PostConfigure(options => options.ReadFlatSettings(builder.Configuration))
            .ValidateOnStart();
        if (builder.Configuration.GetValue<double?>("RELAY_INPUT_RETENTION_HOURS") is { } hours)
        {
            builder.Services.PostConfigure<RelayOptions>(o => o.InputRetention = TimeSpan.FromHours(hours));
        }

        builder.AddServiceDatabase<RelaysDbContext>(KnownResources.RelaysDatabase);
        builder.AddMessaging<RelaysDbContext>("relay", bus => bus.AddConsumers(typeof(Extensions).Assembly));
        builder.AddAgoraClients();
        builder.AddCloudflareStreamClient();
        builder.Services.AddScoped<RelaySteps>();
        builder.Services.AddHostedService<RelayProcessor>();
    }
}
