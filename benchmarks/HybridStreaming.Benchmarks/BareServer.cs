using System.Net;
using System.Runtime;
using HybridStreaming.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Benchmarks;

/// <summary>
/// A bare Kestrel server in this process: one GET endpoint answering fixed bytes, Production, no
/// logging, no middleware. What this machine serves when none of the gateway's work (authentication,
/// rate limits, proxying, its cache) is done — the yardstick a gateway read rate is stated against, so
/// that the figure means the same on a slower or faster machine of the same kind.
/// </summary>
public sealed class BareServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BareServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The endpoint's full address.</summary>
    public Uri Url { get; }

    /// <summary>How the server's process collects garbage (the gateway, a web project, uses server GC).</summary>
    public static string GarbageCollector => GCSettings.IsServerGC ? "server GC" : "workstation GC";

    /// <summary>Starts Kestrel on a free 127.0.0.1 port, answering <paramref name="path"/> with <paramref name="body"/>.</summary>
    public static async Task<BareServer> StartAsync(string path, byte[] body, string contentType)
    {
        var port = Loopback.FreePort();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ApplicationName = typeof(BareServer).Assembly.GetName().Name,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapGet(path, () => Results.Bytes(body, contentType));
        await app.StartAsync();
        return new BareServer(app, new Uri($"http://127.0.0.1:{port}{path}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
