using System.Text.Json.Serialization;
using HybridStreaming.ServiceDefaults.Providers;

namespace HybridStreaming.Cloudflare;

/// <summary>One item of the envelope's <c>errors</c> (or <c>messages</c>).</summary>
public sealed record CloudflareError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("documentation_url")] string? DocumentationUrl = null);

/// <summary>
/// A Cloudflare API call that failed: <see cref="ProviderApiException.StatusCode"/> (null when no answer
/// came) and the envelope's <see cref="Errors"/>. Tell cases apart with <see cref="ProviderApiException.IsRetryable"/>
/// (429, 5xx, timeouts), <see cref="ProviderApiException.IsNotFound"/>, <see cref="ProviderApiException.IsConflict"/>
/// and <see cref="CloudflareCircuitOpenException"/> / <see cref="ProviderApiException.IsCircuitOpen"/>.
/// </summary>
public class CloudflareApiException : ProviderApiException
{
    internal CloudflareApiException(
        string operation, string message, int? statusCode, IReadOnlyList<CloudflareError> errors, bool isRetryable,
        TimeSpan? retryAfter = null, string? rayId = null, Exception? innerException = null)
        : base("cloudflare", operation, message, statusCode, isRetryable, retryAfter, innerException)
    {
        Errors = errors;
        RayId = rayId;
    }

    /// <summary>The envelope's <c>errors</c> (empty when there was no envelope).</summary>
    public IReadOnlyList<CloudflareError> Errors { get; }

    /// <summary>The response's <c>cf-ray</c> header: quote it to Cloudflare support.</summary>
    public string? RayId { get; }
}

/// <summary>
/// The Cloudflare circuit breaker is open: the call was not sent. Fall back at once (the Relay goes
/// Agora-only); <see cref="ProviderApiException.RetryAfter"/> is the configured break duration.
/// </summary>
public sealed class CloudflareCircuitOpenException : CloudflareApiException
{
    internal CloudflareCircuitOpenException(string operation, TimeSpan breakDuration, Exception innerException)
        : base(operation, $"Cloudflare {operation} was not sent: the Cloudflare circuit breaker is open after repeated failures.",
            statusCode: null, errors: [], isRetryable: true, breakDuration, rayId: null, innerException)
    {
    }

    public override bool IsCircuitOpen => true;
}
