using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Gateway.Tests;

/// <summary>
/// A service behind the gateway: a real HTTP server on a free loopback port that answers with its name, the
/// method and the path — or as the test tells it.
/// </summary>
internal sealed class StandInService : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private StandInService(WebApplication app) => _app = app;

    public string Address { get; private set; } = "";

    public int Requests => Volatile.Read(ref _requests);

    public static Task<StandInService> StartAsync(string name) =>
        StartAsync(context => context.Response.WriteAsync($"{name} {context.Request.Method} {context.Request.Path}"));

    public static async Task<StandInService> StartAsync(RequestDelegate respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new StandInService(app);
        app.Run(context =>
        {
            Interlocked.Increment(ref service._requests);
            return respond(context);
        });
        await app.StartAsync();
        service.Address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return service;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
