using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common.Faults;

namespace HybridStreaming.Emulators.CloudflareStream.Api;

/// <summary>
/// Cloudflare's v4 envelope: <c>{"result", "success", "errors", "messages"}</c>, with error items
/// <c>{"code", "message"}</c>. The codes 10000 (authentication), 7000 (no route) and 7003 (invalid
/// identifier) are Cloudflare's generic ones; 10003 (not found) and 10005 (bad request) are the
/// emulator's choice where Stream's own codes are not published (docs/emulators.md).
/// </summary>
public static class Envelope
{
    public const int AuthenticationError = 10000;
    public const int NotFoundCode = 10003;
    public const int BadRequestCode = 10005;
    public const int NoRoute = 7000;
    public const int InvalidIdentifier = 7003;

    public static IResult Ok(JsonNode? result, int status = StatusCodes.Status200OK) =>
        Results.Json(new JsonObject
        {
            ["result"] = result,
            ["success"] = true,
            ["errors"] = new JsonArray(),
            ["messages"] = new JsonArray(),
        }, statusCode: status);

    public static IResult Error(int status, params (int Code, string Message)[] errors) =>
        Results.Json(Body(errors), statusCode: status);

    public static JsonObject Body(params (int Code, string Message)[] errors) => new()
    {
        ["result"] = null,
        ["success"] = false,
        ["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)new JsonObject { ["code"] = e.Code, ["message"] = e.Message })]),
        ["messages"] = new JsonArray(),
    };

    public static IResult BadRequest(IEnumerable<string> problems) =>
        Error(StatusCodes.Status400BadRequest, [.. problems.Select(p => (BadRequestCode, $"Bad request: {p}"))]);

    public static IResult NotFound(string what) => Error(StatusCodes.Status404NotFound, (NotFoundCode, $"{what} not found"));

    /// <summary>What Cloudflare answers for an identifier that is not one (not 32 hex digits).</summary>
    public static IResult InvalidId(HttpRequest request) =>
        Error(StatusCodes.Status400BadRequest,
            (InvalidIdentifier, $"Could not route to {request.Path}, perhaps your object identifier is invalid?"),
            (NoRoute, "No route for that URI"));

    public static IResult NoRouteFound() => Error(StatusCodes.Status404NotFound, (NoRoute, "No route for that URI"));
}

/// <summary>Injected faults and quotas answer in the envelope too.</summary>
public sealed class CloudflareErrors : IProviderErrors
{
    public Task WriteAsync(HttpContext context, int status)
    {
        var (code, message) = status switch
        {
            401 or 403 => (Envelope.AuthenticationError, "Authentication error"),
            404 => (Envelope.NotFoundCode, "Not found"),
            429 => (971, "Please wait and consider throttling your request speed"),
            >= 500 => (10002, "An unknown error has occurred"),
            _ => (Envelope.BadRequestCode, "Bad request"),
        };
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(Envelope.Body((code, message)).ToJsonString());
    }
}

/// <summary>
/// Bearer authentication on every account route: no token → 401, a token that is not the account's →
/// 403, both with code 10000 as Cloudflare answers.
/// </summary>
public sealed class BearerAuthFilter(StreamSettings settings) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            return Envelope.Error(StatusCodes.Status401Unauthorized, (Envelope.AuthenticationError, "Authentication error"));
        }

        var token = Encoding.UTF8.GetBytes(header[7..].Trim());
        var account = request.RouteValues["account_id"] as string;
        if (!CryptographicOperations.FixedTimeEquals(token, Encoding.UTF8.GetBytes(settings.ApiToken))
            || !string.Equals(account, settings.AccountId, StringComparison.Ordinal))
        {
            return Envelope.Error(StatusCodes.Status403Forbidden, (Envelope.AuthenticationError, "Authentication error"));
        }

        return await next(context);
    }
}
