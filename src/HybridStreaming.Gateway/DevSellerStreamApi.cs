using System.Globalization;
using System.Net.Http.Json;
using HybridStreaming.ServiceDefaults.Providers;

namespace HybridStreaming.Gateway;

/// <param name="ChannelName">The Agora channel, as the seller's RTC token response names it.</param>
/// <param name="Uid">The seller's uid in that channel (1 to 4294967295).</param>
/// <param name="Token">The seller's publisher token (AccessToken2) from <c>POST /api/channels/{id}/rtc-token</c>.</param>
public sealed record SellerStreamRequest(string? ChannelName, long? Uid, string? Token);

/// <summary>
/// The seller's camera, stood in for locally: <c>POST /api/dev/seller-stream</c> joins the Agora emulator's
/// synthetic broadcaster to a channel with the seller's RTC token, <c>DELETE /api/dev/seller-stream/{channelName}/{uid}</c>
/// makes it leave — what the Agora Web SDK does in production, from the studio page, which runs on the
/// gateway's origin and cannot call the emulator itself. Forwarded to <c>{AGORA_EMULATOR_URL}/__emulator/channels/…/broadcasters</c>;
/// the emulator's status and body come back as they are (it checks the token: 401 with the reason), 502 when it
/// cannot be reached. Like <see cref="DevTokenApi"/> it exists only in Development, and only when
/// <c>AGORA_EMULATOR_URL</c> is set (the AppHost sets it when the services use the emulator); it needs an
/// account token. The RTC token is never logged.
/// </summary>
internal static class DevSellerStreamApi
{
    public const string EmulatorUrlKey = "AGORA_EMULATOR_URL";
    public const string ClientName = "agora-emulator";

    /// <summary>How long the emulator may take to answer (its join verifies a token and starts an encoder).</summary>
    private static readonly TimeSpan EmulatorTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The characters Agora allows in a channel name (besides ASCII letters and digits), at most 64 of them.</summary>
    private const string ChannelNameSymbols = " !#$%&()+-:;<=.>?@[]^_{}|~,";

    private const int MaxChannelNameLength = 64;
    private const int MaxTokenLength = 2048;

    /// <summary>Whether the endpoints are mapped: Development, with <c>AGORA_EMULATOR_URL</c> set.</summary>
    public static bool IsEnabled(IHostEnvironment environment, IConfiguration configuration) =>
        environment.IsDevelopment() && !string.IsNullOrWhiteSpace(configuration[EmulatorUrlKey]);

    /// <summary>The emulator's client, when enabled; a malformed <c>AGORA_EMULATOR_URL</c> is a start-up error.</summary>
    public static IHostApplicationBuilder AddDevSellerStream(this IHostApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Environment, builder.Configuration))
        {
            return builder;
        }

        var url = builder.Configuration[EmulatorUrlKey]!.Trim();
        var problems = new ConfigurationProblems("The gateway's development seller stream");
        problems.AbsoluteHttpUrl(EmulatorUrlKey, url);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(problems.ToString());
        }

        // One attempt, no retries: a join is not idempotent (a second one is a 409), and a developer waiting
        // on a stopped emulator should see the 502 at once.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental in 10.11.0 (see ProviderResilience).
        builder.Services.AddHttpClient(ClientName, client =>
            {
                client.BaseAddress = new Uri(url.TrimEnd('/') + "/");
                client.Timeout = EmulatorTimeout;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    public static IEndpointRouteBuilder MapDevSellerStreamApi(this WebApplication app)
    {
        if (!IsEnabled(app.Environment, app.Configuration))
        {
            return app;
        }

        var group = app.MapGroup("/api/dev/seller-stream")
            .RequireAuthorization()
            .RequireRateLimiting(EdgeLimits.Control)
            .WithTags("Development");

        group.MapPost("", async (SellerStreamRequest request, HttpContext context, IHttpClientFactory clients) =>
        {
            var errors = new Dictionary<string, string[]>();
            CheckChannelName(request.ChannelName, errors);
            if (request.Uid is not (>= 1 and <= uint.MaxValue))
            {
                errors["uid"] = ["uid is required: the seller's uid from the RTC token response (1 to 4294967295)."];
            }

            if (string.IsNullOrWhiteSpace(request.Token) || request.Token.Length > MaxTokenLength || request.Token.Any(c => c <= ' ' || c > '~'))
            {
                errors["token"] = [$"token is required: the seller's RTC token (printable ASCII, at most {MaxTokenLength} characters)."];
            }

            if (errors.Count > 0)
            {
                await Invalid(errors).ExecuteAsync(context);
                return;
            }

            using var forward = new HttpRequestMessage(HttpMethod.Post, $"__emulator/channels/{Uri.EscapeDataString(request.ChannelName!)}/broadcasters")
            {
                Content = JsonContent.Create(new { uid = (uint)request.Uid!.Value, token = request.Token }),
            };
            await ForwardAsync(context, clients, forward);
        })
        .WithSummary("Development: the Agora emulator's synthetic seller stream joins a channel with the seller's RTC token");

        group.MapDelete("/{channelName}/{uid}", async (string channelName, string uid, HttpContext context, IHttpClientFactory clients) =>
        {
            var errors = new Dictionary<string, string[]>();
            CheckChannelName(channelName, errors);
            if (!uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed == 0)
            {
                errors["uid"] = ["uid must be the seller's uid in the channel (1 to 4294967295)."];
            }

            if (errors.Count > 0)
            {
                await Invalid(errors).ExecuteAsync(context);
                return;
            }

            using var forward = new HttpRequestMessage(
                HttpMethod.Delete,
                $"__emulator/channels/{Uri.EscapeDataString(channelName)}/broadcasters/{parsed.ToString(CultureInfo.InvariantCulture)}");
            await ForwardAsync(context, clients, forward);
        })
        .WithSummary("Development: the Agora emulator's synthetic seller stream leaves the channel");
        return app;
    }

    private static void CheckChannelName(string? channelName, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(channelName) || channelName.Length > MaxChannelNameLength
            || !channelName.All(c => char.IsAsciiLetterOrDigit(c) || ChannelNameSymbols.Contains(c)))
        {
            errors["channelName"] =
            [
                $"channelName is required: the channel name from the RTC token response (1–{MaxChannelNameLength} characters: "
                + $"ASCII letters, digits, space and {ChannelNameSymbols.Trim()})."
            ];
        }
    }

    private static IResult Invalid(Dictionary<string, string[]> errors) => Results.ValidationProblem(errors, title: "The request is invalid.");

    /// <summary>Sends the request to the emulator and answers with its status, content type and body.</summary>
    private static async Task ForwardAsync(HttpContext context, IHttpClientFactory clients, HttpRequestMessage forward)
    {
        var client = clients.CreateClient(ClientName);
        HttpResponseMessage answer;
        try
        {
            answer = await client.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException exception)
        {
            await Results.Problem(
                title: "The Agora emulator is unreachable.",
                detail: $"{EmulatorUrlKey} is {client.BaseAddress}: {exception.Message}",
                statusCode: StatusCodes.Status502BadGateway).ExecuteAsync(context);
            return;
        }
        catch (TaskCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await Results.Problem(
                title: "The Agora emulator did not answer.",
                detail: $"No answer within {EmulatorTimeout.TotalSeconds:0} s.",
                statusCode: StatusCodes.Status504GatewayTimeout).ExecuteAsync(context);
            return;
        }

        using (answer)
        {
            context.Response.StatusCode = (int)answer.StatusCode;
            if (answer.Content.Headers.ContentType is { } contentType)
            {
                context.Response.ContentType = contentType.ToString();
            }

            if (answer.Content.Headers.ContentLength is { } length)
            {
                context.Response.ContentLength = length;
            }

            await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }
}
