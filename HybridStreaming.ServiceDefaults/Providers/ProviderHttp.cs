using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>Why a provider call produced no HTTP answer.</summary>
public enum ProviderTransportFailureKind
{
    /// <summary>The provider's circuit breaker is open: nothing was sent.</summary>
    CircuitOpen,

    /// <summary>An attempt or the whole call ran out of time.</summary>
    Timeout,

    /// <summary>Connection, DNS, TLS or protocol failure.</summary>
    Transport,
}

public static class ProviderHttp
{
    /// <summary>
    /// Sends through the provider pipeline and turns "no answer" outcomes into the provider's typed
    /// exception (<paramref name="toException"/>); a cancellation asked for by the caller stays an
    /// <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<HttpResponseMessage> SendProviderRequestAsync(
        this HttpClient client, HttpRequestMessage request,
        Func<ProviderTransportFailureKind, Exception, Exception> toException, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(toException);
        try
        {
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (BrokenCircuitException exception)
        {
            throw toException(ProviderTransportFailureKind.CircuitOpen, exception);
        }
        catch (TimeoutRejectedException exception)
        {
            throw toException(ProviderTransportFailureKind.Timeout, exception);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout (a backstop behind the pipeline's own timeouts).
            throw toException(ProviderTransportFailureKind.Timeout, exception);
        }
        catch (HttpRequestException exception)
        {
            throw toException(ProviderTransportFailureKind.Transport, exception);
        }
    }
}

public static class ProviderJson
{
    /// <summary>
    /// A JSON body serialised once to bytes, so a retry resends exactly the same request
    /// (Content-Type <c>application/json; charset=utf-8</c>).
    /// </summary>
    public static ByteArrayContent Content<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        return content;
    }
}
