using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Cloudflare;

/// <summary>
/// Sending and envelope handling of the Cloudflare client: <c>{result, success, errors[{code,message}],
/// messages}</c> is unwrapped to <c>result</c>, or turned into a <see cref="CloudflareApiException"/>.
/// Bodies are sent as bytes so a retry resends exactly the same request; nothing secret is logged.
/// </summary>
internal sealed partial class CloudflareHttp(HttpClient http, ILogger logger, TimeProvider time, TimeSpan breakDuration)
{
    /// <summary>Sends and returns the envelope's <c>result</c> (<paramref name="resultType"/> null: result ignored).</summary>
    public async Task<T> SendAsync<T>(
        string operation, HttpMethod method, string relativeUri, HttpContent? content, JsonTypeInfo<T>? resultType,
        CancellationToken cancellationToken, bool retryOnlyIfUnprocessed = false)
    {
        using var request = new HttpRequestMessage(method, relativeUri) { Content = content };
        if (retryOnlyIfUnprocessed)
        {
            request.Options.Set(ProviderResilience.RetryOnlyIfUnprocessedKey, true);
        }

        using var response = await http.SendProviderRequestAsync(request, (kind, exception) => kind switch
        {
            ProviderTransportFailureKind.CircuitOpen => new CloudflareCircuitOpenException(operation, breakDuration, exception),
            ProviderTransportFailureKind.Timeout => new CloudflareApiException(operation, $"Cloudflare {operation} timed out.", null, [], true, innerException: exception),
            _ => new CloudflareApiException(operation, $"Cloudflare {operation} failed: no HTTP answer ({exception.GetType().Name}).", null, [], true, innerException: exception),
        }, cancellationToken).ConfigureAwait(false);

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var rayId = response.Headers.TryGetValues("cf-ray", out var rays) ? rays.FirstOrDefault() : null;
        var envelope = ReadEnvelope(body);

        if (!response.IsSuccessStatusCode || envelope is { Success: false })
        {
            var errors = envelope?.Errors ?? [];
            var retryable = status >= 500 || status == 429;
            var retryAfter = response.StatusCode == HttpStatusCode.TooManyRequests ? ProviderResilience.RetryAfter(response, time) : null;
            var detail = errors.Count == 0 ? "(no error details)" : string.Join("; ", errors.Select(e => $"{e.Code} {e.Message}"));
            LogFailure(logger, operation, status, detail, retryable, rayId);
            throw new CloudflareApiException(operation, $"Cloudflare {operation} failed: HTTP {status}: {detail}.",
                status, errors, retryable, retryAfter, rayId);
        }

        if (resultType is null)
        {
            return default!;
        }

        try
        {
            if (envelope is null)
            {
                throw new JsonException("The body is not a Cloudflare API envelope.");
            }

            return envelope.Result is { ValueKind: not JsonValueKind.Null } result
                ? result.Deserialize(resultType) ?? throw new JsonException("result is null.")
                : throw new JsonException("result is missing or null.");
        }
        catch (JsonException exception)
        {
            throw new CloudflareApiException(operation,
                $"Cloudflare {operation} returned HTTP {status} with a body this client cannot read: {exception.Message}",
                status, [], isRetryable: false, rayId: rayId, innerException: exception);
        }
    }

    public static string Segment(string value) => Uri.EscapeDataString(value);

    private sealed record Envelope(bool? Success, IReadOnlyList<CloudflareError> Errors, JsonElement? Result);

    private static Envelope? ReadEnvelope(byte[] body)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            bool? success = root.TryGetProperty("success", out var s) && s.ValueKind is JsonValueKind.True or JsonValueKind.False ? s.GetBoolean() : null;
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.Deserialize(CloudflareJsonContext.Default.IReadOnlyListCloudflareError) ?? []
                : [];
            JsonElement? result = root.TryGetProperty("result", out var r) ? r.Clone() : null;
            return new Envelope(success, errors, result);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 9300, Level = LogLevel.Warning,
        Message = "Cloudflare {Operation} failed: HTTP {Status}: {Errors}; retryable {Retryable}, cf-ray {RayId}")]
    private static partial void LogFailure(ILogger logger, string operation, int status, string errors, bool retryable, string? rayId);
}

/// <summary>What the Cloudflare resilience pipeline retries besides 429 and transport failures: any 5xx.</summary>
internal static class CloudflareFailureClassifier
{
    public static ValueTask<bool> IsTransientResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        ValueTask.FromResult((int)response.StatusCode >= 500);
}
