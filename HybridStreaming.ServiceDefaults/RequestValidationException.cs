namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// The request broke the rules of the endpoint: answered as 400 ValidationProblemDetails with the
/// message per field (RFC 9457 <c>errors</c>). Services turn their validators' failures into this.
/// </summary>
public sealed class RequestValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The request is invalid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
