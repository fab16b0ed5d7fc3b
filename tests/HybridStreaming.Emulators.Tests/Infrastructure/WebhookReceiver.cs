using System.Collections.Concurrent;
using System.Net;
using HybridStreaming.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Tests.Infrastructure;

/// <summary>A webhook received by the test receiver: path, headers and the raw body bytes.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public System.Text.Json.Nodes.JsonNode Json => System.Text.Json.Nodes.JsonNode.Parse(Body)!;
}

/// <summary>
/// Stands where the gateway's webhook endpoints will be: records every delivery (raw body and headers)
/// and can answer with failures first, to exercise the emulators' retries.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private int _failuresToGive;
    private Func<ReceivedWebhook, bool> _failWhen = _ => true;

    private WebhookReceiver(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>The next <paramref name="count"/> deliveries that match <paramref name="when"/> are answered 503.</summary>
    public void FailNext(int count, Func<ReceivedWebhook, bool> when)
    {
        _failWhen = when;
        Interlocked.Exchange(ref _failuresToGive, count);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = Loopback.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, port);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var received = new ReceivedWebhook(
                context.Request.Path,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(),
                DateTimeOffset.UtcNow);
            receiver._received.Enqueue(received);
            var failures = receiver._failWhen(received) ? Volatile.Read(ref receiver._failuresToGive) : 0;
            while (failures > 0)
            {
                if (Interlocked.CompareExchange(ref receiver._failuresToGive, failures - 1, failures) == failures)
                {
                    return Results.StatusCode((int)HttpStatusCode.ServiceUnavailable);
                }

                failures = Volatile.Read(ref receiver._failuresToGive);
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
