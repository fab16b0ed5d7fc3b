using System.Text.Json;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Application.Features.Webhooks;
using Mediator;

namespace HybridStreaming.Channels.Api.Api;

/// <summary>
/// <c>/api/webhooks</c>: provider notifications. No JWT — each is authenticated by its signature, checked
/// over the raw body before anything is parsed (401 otherwise), then deduplicated and applied.
/// </summary>
public static partial class WebhooksApi
{
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/api/webhooks").AllowAnonymous().WithTags("Webhooks");

        webhooks.MapPost("/agora", async (HttpRequest request, IWebhookVerifier verifier, ISender sender, ILoggerFactory logs, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request, ct);
            if (body is null)
            {
                return TooLarge();
            }

            if (verifier.VerifyAgora(request.Headers, body) is { } problem)
            {
                LogRejected(logs.CreateLogger(nameof(WebhooksApi)), "agora", problem);
                return Unauthorized(problem);
            }

            return await DispatchAsync<AgoraNotification>(body, sender, ct);
        });

        webhooks.MapPost("/cloudflare", async (HttpRequest request, IWebhookVerifier verifier, ISender sender, ILoggerFactory logs, CancellationToken ct) =>
        {
            var body = await ReadBodyAsync(request, ct);
            if (body is null)
            {
                return TooLarge();
            }

            var (kind, problem) = verifier.VerifyCloudflare(request.Headers, body);
            if (kind is null)
            {
                LogRejected(logs.CreateLogger(nameof(WebhooksApi)), "cloudflare", problem ?? "unauthenticated");
                return Unauthorized(problem ?? "Missing signature.");
            }

            return kind == CloudflareWebhookKind.LiveInputNotification
                ? await DispatchAsync<CloudflareLiveInputNotification>(body, sender, ct)
                : TypedResults.Ok(new WebhookOutcome("accepted: video webhook (recordings are tracked by the relay worker)"));
        });

        return app;
    }

    private static async Task<IResult> DispatchAsync<T>(byte[] body, ISender sender, CancellationToken ct)
        where T : ICommand<Domain.Result<WebhookOutcome>>
    {
        T? notification;
        try
        {
            notification = JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web);
        }
        catch (JsonException exception)
        {
            return TypedResults.Problem($"The body is not the expected JSON: {exception.Message}", statusCode: StatusCodes.Status400BadRequest, title: "The notification could not be read.");
        }

        if (notification is null)
        {
            return TypedResults.Problem("The body is empty.", statusCode: StatusCodes.Status400BadRequest, title: "The notification could not be read.");
        }

        return (await sender.Send(notification, ct)).ToHttpResult(TypedResults.Ok);
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult Unauthorized(string problem) =>
        TypedResults.Problem(problem, statusCode: StatusCodes.Status401Unauthorized, title: "The notification is not authentic.");

    private static IResult TooLarge() =>
        TypedResults.Problem($"Notifications are at most {MaxBodyBytes / 1024} KiB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The notification is too large.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a {Provider} webhook: {Problem}")]
    private static partial void LogRejected(ILogger logger, string provider, string problem);
}
