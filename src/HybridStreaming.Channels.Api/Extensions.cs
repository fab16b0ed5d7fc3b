using FluentValidation;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.ServiceDefaults;
using MassTransit;
using Mediator;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HybridStreaming.Channels.Api;

internal static class Extensions
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var options = ChannelsOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.AddServiceDatabase<ChannelsDbContext>(
            KnownResources.ChannelsDatabase,
            configure: (sp, db) => db.AddInterceptors(new PlaybackInvalidationInterceptor(sp.GetRequiredService<PlaybackCache>(), sp.GetRequiredService<ChannelsMetrics>())));
        builder.AddServiceRedis(KnownResources.Redis);
        builder.AddRedisDistributedCache();
        builder.Services.AddHybridCache();
        builder.AddMessaging<ChannelsDbContext>("channels", bus => bus.AddConsumers(typeof(Extensions).Assembly));
        builder.AddJwtAuthentication();
        builder.AddProviderIntegration();

        // The source generator reads these options at compile time (hence the typed lambda).
        builder.Services.AddMediator((MediatorOptions options) =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.PipelineBehaviors = [typeof(ValidationBehavior<,>)];
        });
        builder.Services.AddValidatorsFromAssemblyContaining<ChannelsOptions>(ServiceLifetime.Singleton);

        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ICurrentUser, HttpCurrentUser>();
        builder.Services.AddScoped<SessionStore>();
        builder.Services.AddScoped<Application.Features.Channels.ChannelDirectory>();
        builder.Services.AddScoped<RtcIdentities>();
        builder.Services.AddScoped<Application.Features.Webhooks.WebhookReceipts>();
        builder.Services.AddSingleton<PlaybackCache>();
        builder.Services.AddSingleton<ChannelChangeFeed>();
        builder.Services.AddSingleton<ViewerPresence>();
        builder.Services.AddSingleton<Application.Features.Viewers.PresenceGaps>();
        builder.Services.AddHostedService<ChannelChangeListener>();
        builder.Services.AddHostedService<SessionDeadlineSweeper>();
        builder.Services.AddSingleton<ChannelsMetrics>();
        builder.Services.AddHostedService<ChannelsMetricsSampler>();
    }
}
