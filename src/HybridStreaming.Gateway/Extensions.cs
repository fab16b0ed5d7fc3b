using HybridStreaming.ServiceDefaults;

namespace HybridStreaming.Gateway;

internal static class Extensions
{
    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        var routes = new GatewayRoutes(builder.Configuration);
        builder.Services.AddReverseProxy().LoadFromMemory(routes.Routes, routes.Clusters);
    }
}
