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

        EdgeLimits.From(builder.Configuration).Register(builder.Services);

        // Viewer reads from memory, kept fresh by the Channel API's change announcements on Redis.
        builder.AddServiceRedis(KnownResources.Redis);
        builder.Services.AddSingleton<ChannelChangeFeed>();
        builder.Services.AddSingleton<ViewerReads>();
        builder.Services.AddHostedService<ViewerReadsMaintenance>();
        builder.Services.AddHttpClient(ViewerReads.ClientName, client => client.BaseAddress = new Uri($"http://{KnownResources.ChannelsApi}"));
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
