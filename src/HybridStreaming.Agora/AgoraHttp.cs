using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Agora;

/// <summary>
/// Sending, error parsing and logging shared by the Agora REST clients. Bodies are sent as bytes so a
/// retry resends exactly the same request; nothing that carries a secret (headers, bodies, RTMP URLs)
/// is logged.
/// </summary>
internal sealed partial class AgoraHttp(HttpClient http, ILogger logger, TimeProvider time, TimeSpan breakDuration)
{
    public async Task<T> SendAsync<T>(
        string operation, HttpMethod method, string relativeUri, HttpContent? content, JsonTypeInfo<T>? responseType,
        CancellationToken cancellationToken, Action<HttpRequestMessage>? configure = null)
    {
        var requestId = Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(method, relativeUri) { Content = content };
        request.Headers.Add("X-Request-ID", requestId);
        configure?.Invoke(request);

        using var response = await http.SendProviderRequestAsync(request, (kind, exception) => kind switch
        {
            ProviderTransportFailureKind.CircuitOpen => new AgoraCircuitOpenException(operation, breakDuration, exception),
            ProviderTransportFailureKind.Timeout => Failed(operation, null, null, $"Agora {operation} timed out.", true, null, requestId, exception),
            _ => Failed(operation, null, null, $"Agora {operation} failed: no HTTP answer ({exception.GetType().Name}).", true, null, requestId, exception),
        }, cancellationToken).ConfigureAwait(false);

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var (code, reason, success) = ReadErrorFields(body);
        if (!response.IsSuccessStatusCode || code is not null || success is false)
        {
            var retryable = AgoraFailureClassifier.IsRetryable(status, code);
            var retryAfter = response.StatusCode == HttpStatusCode.TooManyRequests ? ProviderResilience.RetryAfter(response, time) : null;
            var message = $"Agora {operation} failed: HTTP {status}" + (code is null ? "" : $", code {code}") + $": {reason ?? "(no error details)"}.";
            LogFailure(logger, operation, status, code, reason, retryable, requestId);
            throw Failed(operation, status, code, message, retryable, retryAfter, requestId, null, reason);
        }

        if (responseType is null)
        {
            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize(body, responseType)
                ?? throw new JsonException("The body is empty or null.");
        }
        catch (JsonException exception)
        {
            throw Failed(operation, status, null, $"Agora {operation} returned HTTP {status} with a body this client cannot read: {exception.Message}",
                false, null, requestId, exception);
        }
    }

    public static string Segment(string value) => Uri.EscapeDataString(value);

    private static AgoraApiException Failed(
        string operation, int? status, int? code, string message, bool retryable, TimeSpan? retryAfter, string requestId,
        Exception? inner, string? reason = null) =>
        new(operation, message, status, code, reason, retryable, retryAfter, requestId, inner);

    /// <summary>
    /// <c>code</c> and <c>reason</c>/<c>message</c> of an Agora body, and Media Push's <c>success</c>.
    /// Successful Cloud Recording bodies never carry a numeric <c>code</c>: one that does is an error
    /// whatever the status (201 code 7, 206 code 65 or 435).
    /// </summary>
    internal static (int? Code, string? Reason, bool? Success) ReadErrorFields(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null, null);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            var root = document.RootElement;
            int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var n) ? n : null;
            var reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
                : root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()
                : null;
            bool? success = root.TryGetProperty("success", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : null;
            return (code, reason, success);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    [LoggerMessage(EventId = 9200, Level = LogLevel.Warning,
        Message = "Agora {Operation} failed: HTTP {Status}, code {Code}, reason {Reason}, retryable {Retryable}, X-Request-ID {RequestId}")]
    private static partial void LogFailure(ILogger logger, string operation, int status, int? code, string? reason, bool retryable, string requestId);
}

/// <summary>What the Agora resilience pipeline retries (agora.md §2.5, §3).</summary>
internal static class AgoraFailureClassifier
{
    /// <summary>Code 62/65 (65 arrives as HTTP 206!), any 5xx, and 429. Never another 4xx.</summary>
    public static bool IsRetryable(int status, int? code) =>
        AgoraErrorCodes.IsRetryable(code) || status >= 500 || status == 429;

    /// <summary>For the pipeline: 5xx, or a 2xx other than 200/204 whose body carries code 62 or 65.</summary>
    public static async ValueTask<bool> IsTransientResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return true;
        }

        if (status is < 201 or > 299 or 204)
        {
            return false;
        }

        // Buffered, so the client can still read the body of the final answer.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return AgoraErrorCodes.IsRetryable(AgoraHttp.ReadErrorFields(body).Code);
    }
}
