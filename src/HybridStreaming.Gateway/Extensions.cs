using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace HybridStreaming.Gateway;

internal static class Extensions
{
    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddJwtAuthentication();

        var routes = new GatewayRoutes(builder.Configuration);
        builder.Services.AddReverseProxy()
            .LoadFromMemory(routes.Routes, routes.Clusters)
            .AddServiceDiscoveryDestinationResolver();

        var limits = EdgeLimits.From(builder.Configuration);
        limits.Register(builder.Services);
        builder.Services.AddSingleton(limits);

        // Viewer reads from memory, kept fresh by the Channel API's change announcements on Redis.
        builder.AddServiceRedis(KnownResources.Redis);
        builder.Services.AddSingleton<ChannelChangeFeed>();
        builder.Services.AddSingleton<ViewerReads>();
        builder.Services.AddHostedService<ViewerReadsMaintenance>();
        builder.Services.AddHttpClient(ViewerReads.ClientName, client => client.BaseAddress = new Uri($"http://{KnownResources.ChannelsApi}"));

        PlatformHealth.Register(builder.Services);
    }

    public static IEndpointRouteBuilder MapPlatformHealth(this IEndpointRouteBuilder app) => PlatformHealth.MapPlatformHealth(app);

    /// <summary>The global concurrency limit (<see cref="EdgeLimits.GateAsync"/>), before authentication and everything after it.</summary>
    public static IApplicationBuilder UseConcurrencyGate(this IApplicationBuilder app)
    {
        var limits = app.ApplicationServices.GetRequiredService<EdgeLimits>();
        return app.Use(next => context => limits.GateAsync(context, next));
    }

    /// <summary>The viewer reads the gateway answers itself (<see cref="ViewerReads"/>), ahead of the proxy's catch-all channel routes.</summary>
    public static IEndpointRouteBuilder MapViewerReads(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("/api/channels/{id:guid}")
            .RequireAuthorization(JwtAuthentication.ViewerPolicy)
            .RequireRateLimiting(EdgeLimits.Viewer)
            .WithTags("Viewers");
        reads.MapGet("/playback", (Guid id, HttpContext context, ViewerReads cache) => cache.ServeAsync(context, id, ViewerReads.Read.Playback));
        reads.MapGet("/status", (Guid id, HttpContext context, ViewerReads cache) => cache.ServeAsync(context, id, ViewerReads.Read.Status));
        reads.MapGet("/viewers", (Guid id, HttpContext context, ViewerReads cache) => cache.ServeAsync(context, id, ViewerReads.Read.Viewers));
        return app;
    }
}
