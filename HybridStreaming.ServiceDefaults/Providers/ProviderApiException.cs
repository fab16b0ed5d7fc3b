namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>
/// A call to an external provider (Agora, Cloudflare) that did not succeed. The provider libraries
/// derive their own types; callers decide with the flags below instead of parsing messages:
/// <see cref="IsCircuitOpen"/> (fail over at once), <see cref="IsRetryable"/> (try again later),
/// <see cref="IsNotFound"/> and <see cref="IsConflict"/> (expected answers of the provider).
/// </summary>
public abstract class ProviderApiException : Exception
{
    protected ProviderApiException(
        string provider, string operation, string message, int? statusCode, bool isRetryable,
        TimeSpan? retryAfter, Exception? innerException)
        : base(message, innerException)
    {
        Provider = provider;
        Operation = operation;
        StatusCode = statusCode;
        IsRetryable = isRetryable;
        RetryAfter = retryAfter;
    }

    /// <summary>"agora" or "cloudflare".</summary>
    public string Provider { get; }

    /// <summary>The client operation that failed, e.g. <c>cloud-recording.start</c>.</summary>
    public string Operation { get; }

    /// <summary>The HTTP status, or null when no response arrived (transport failure, timeout, open circuit).</summary>
    public int? StatusCode { get; }

    /// <summary>True when the same request may succeed later (5xx, 429, timeouts, provider "retry" codes).</summary>
    public bool IsRetryable { get; }

    /// <summary>How long the provider (Retry-After) or the open circuit asks to wait, when known.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when the provider's circuit breaker is open and the call was not even sent.</summary>
    public virtual bool IsCircuitOpen => false;

    /// <summary>True when the request got no HTTP answer at all: connection failure or timeout (not an open circuit).</summary>
    public bool IsTransportFailure => StatusCode is null && !IsCircuitOpen;

    public bool IsNotFound => StatusCode == 404;

    public bool IsConflict => StatusCode == 409;
}
