using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>
/// The one resilience pipeline of a provider's HTTP client (style rule 10), replacing the standard
/// handler that <c>AddServiceDefaults</c> puts on every client. Outer to inner: total timeout → retry
/// (jittered exponential backoff, Retry-After honoured) → circuit breaker → attempt timeout.
/// What is retryable is the provider's call (<c>isTransientResponse</c>); 4xx answers are never retried
/// by this pipeline unless the provider says they are transient. An open circuit throws
/// <see cref="BrokenCircuitException"/> at once (never retried), which the provider client turns into
/// its typed "circuit open" exception.
/// </summary>
public static partial class ProviderResilience
{
    /// <summary>Per request: a longer attempt timeout for an operation the provider documents as slow.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeoutKey = new("HybridStreaming.Providers.AttemptTimeout");

    /// <summary>
    /// Per request: true for a create that is not idempotent, so it is retried only when the provider
    /// cannot have acted on it (429, or the connection was never made) — never after a 5xx or a timeout.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> RetryOnlyIfUnprocessedKey = new("HybridStreaming.Providers.RetryOnlyIfUnprocessed");

    /// <summary>
    /// Replaces every resilience handler of <paramref name="builder"/> with the provider pipeline; its
    /// settings are the named <see cref="ProviderResilienceOptions"/> <paramref name="provider"/>.
    /// One pipeline (so one circuit breaker) per HttpClient name: give every client of a provider the same name.
    /// </summary>
    public static IHttpClientBuilder AddProviderResilienceHandler(
        this IHttpClientBuilder builder,
        string provider,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isTransientResponse)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(isTransientResponse);

        // AddServiceDefaults puts the standard handler on every client; two pipelines would multiply
        // retries and time-outs. RemoveAllResilienceHandlers is the package's way to replace it; it is
        // marked experimental (EXTEXP0001) in 10.11.0 — the tests prove it still removes the default.
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        // What the process knows of the provider (ProviderHealth): the outcome of every call, seen from
        // outside the pipeline (after its retries), and the breaker's state from its callbacks below.
        builder.Services.AddMetrics();
        builder.Services.TryAddSingleton<ProviderHealth>();
        builder.Services.Configure<HealthCheckServiceOptions>(health =>
        {
            if (health.Registrations.All(registration => registration.Name != provider))
            {
                health.Registrations.Add(new HealthCheckRegistration(
                    provider, services => new ProviderHealthCheck(services.GetRequiredService<ProviderHealth>(), provider), HealthStatus.Unhealthy, [ProviderHealth.Tag]));
            }
        });
        builder.AddHttpMessageHandler(services => new ProviderCallObserver(services.GetRequiredService<ProviderHealth>(), provider, isTransientResponse));

        builder.AddResilienceHandler(provider, (pipeline, context) =>
        {
            var services = context.ServiceProvider;
            var options = services.GetRequiredService<IOptionsMonitor<ProviderResilienceOptions>>().Get(provider);
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("HybridStreaming.Providers.Resilience");
            var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
            var health = services.GetRequiredService<ProviderHealth>();
            health.For(provider);

            pipeline.AddTimeout(new TimeoutStrategyOptions { Name = "total", Timeout = options.TotalTimeout });

            if (options.MaxRetryAttempts > 0)
            {
                pipeline.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    Name = "retry",
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    ShouldHandle = args => ShouldRetryAsync(args.Outcome, args.Context, isTransientResponse, options, time),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                        RetryAfter(args.Outcome.Result, time) is { } retryAfter
                            ? retryAfter
                            : Backoff(args.AttemptNumber, options.RetryBaseDelay, options.RetryMaxDelay, Random.Shared.NextDouble())),
                    OnRetry = args =>
                    {
                        var request = args.Context.GetRequestMessage();
                        LogRetry(logger, provider, request?.Method.Method, request?.RequestUri?.AbsolutePath,
                            (long)args.RetryDelay.TotalMilliseconds, args.AttemptNumber + 1, options.MaxRetryAttempts, Describe(args.Outcome));
                        return ValueTask.CompletedTask;
                    },
                });
            }

            pipeline.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = "breaker",
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => IsFailureAsync(args.Outcome, args.Context, isTransientResponse),
                OnOpened = args =>
                {
                    health.CircuitChanged(provider, CircuitState.Open, Describe(args.Outcome));
                    LogCircuitOpened(logger, provider, (long)args.BreakDuration.TotalMilliseconds, Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
                OnHalfOpened = _ =>
                {
                    health.CircuitChanged(provider, CircuitState.HalfOpen);
                    LogCircuitHalfOpened(logger, provider);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    health.CircuitChanged(provider, CircuitState.Closed);
                    LogCircuitClosed(logger, provider);
                    return ValueTask.CompletedTask;
                },
            });

            pipeline.AddTimeout(new TimeoutStrategyOptions
            {
                Name = "attempt",
                TimeoutGenerator = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage() is { } request
                    && request.Options.TryGetValue(AttemptTimeoutKey, out var requested) && requested > options.AttemptTimeout
                        ? requested
                        : options.AttemptTimeout),
            });
        });

        return builder;
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": step = min(max, base·2^retry), delay uniformly in
    /// [step/2, step] — bounded on both sides, and spread so that clients do not retry in lockstep.
    /// </summary>
    /// <param name="retry">0 for the first retry.</param>
    /// <param name="unitRandom">A number in [0, 1).</param>
    public static TimeSpan Backoff(int retry, TimeSpan baseDelay, TimeSpan maxDelay, double unitRandom)
    {
        var step = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(retry, 0, 30)));
        return TimeSpan.FromMilliseconds(step / 2 + (step / 2 * Math.Clamp(unitRandom, 0, 1)));
    }

    /// <summary>The wait a response asks for in <c>Retry-After</c> (seconds or an HTTP date), if any.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var header = response?.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async ValueTask<bool> ShouldRetryAsync(
        Outcome<HttpResponseMessage> outcome, ResilienceContext context,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isTransientResponse,
        ProviderResilienceOptions options, TimeProvider time)
    {
        var request = context.GetRequestMessage();
        var onlyIfUnprocessed = request is not null
            && request.Options.TryGetValue(RetryOnlyIfUnprocessedKey, out var flag) && flag;

        if (outcome.Exception is { } exception)
        {
            return exception switch
            {
                _ when context.CancellationToken.IsCancellationRequested => false,
                HttpRequestException http => !onlyIfUnprocessed || NeverReachedServer(http),
                TimeoutRejectedException => !onlyIfUnprocessed,
                _ => false, // BrokenCircuitException included: an open circuit fails fast.
            };
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // Retried only if the wait it asks for fits; otherwise the caller hears it at once.
            return RetryAfter(response, time) is not { } wait || wait <= options.MaxRetryAfter;
        }

        return !onlyIfUnprocessed && await isTransientResponse(response, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What counts against the provider's health: transport failures, timeouts and the provider's own
    /// transient errors. A 429 does not — it says we are calling too often, not that the provider is
    /// down; counting it would turn a burst against a quota into an outage of every call (stops and
    /// teardowns included) for the whole break duration. 429s are paced by the retry (Retry-After).
    /// </summary>
    private static async ValueTask<bool> IsFailureAsync(
        Outcome<HttpResponseMessage> outcome, ResilienceContext context,
        Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isTransientResponse) =>
        outcome.Exception switch
        {
            HttpRequestException or TimeoutRejectedException => true,
            not null => false,
            null => outcome.Result is { } response
                && response.StatusCode != HttpStatusCode.TooManyRequests
                && await isTransientResponse(response, context.CancellationToken).ConfigureAwait(false),
        };

    /// <summary>
    /// Counts every call to the provider by its final outcome (after the pipeline's retries) and keeps the
    /// last success and failure in <see cref="ProviderHealth"/>. A 429 is neither: the provider answered,
    /// and asked us to slow down. A call the caller cancelled is not counted.
    /// </summary>
    private sealed class ProviderCallObserver(
        ProviderHealth health, string provider, Func<HttpResponseMessage, CancellationToken, ValueTask<bool>> isTransientResponse) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (BrokenCircuitException)
            {
                health.CallRejected(provider);
                throw;
            }
            catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                health.CallFailed(provider, exception is OperationCanceledException ? nameof(TimeoutRejectedException) : exception.GetType().Name);
                throw;
            }

            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                if (await isTransientResponse(response, cancellationToken).ConfigureAwait(false))
                {
                    health.CallFailed(provider, $"HTTP {(int)response.StatusCode}");
                }
                else
                {
                    health.CallSucceeded(provider);
                }
            }

            return response;
        }
    }

    private static bool NeverReachedServer(HttpRequestException exception) =>
        exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? exception.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";

    [LoggerMessage(EventId = 9100, Level = LogLevel.Warning,
        Message = "Retrying {Provider} {Method} {Path} in {DelayMs} ms (retry {Retry} of {MaxRetries}) after {Outcome}")]
    private static partial void LogRetry(ILogger logger, string provider, string? method, string? path, long delayMs, int retry, int maxRetries, string outcome);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Error,
        Message = "{Provider} circuit opened for {BreakMs} ms after {Outcome}: calls fail fast until it closes")]
    private static partial void LogCircuitOpened(ILogger logger, string provider, long breakMs, string outcome);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Information, Message = "{Provider} circuit half-open: letting a trial call through")]
    private static partial void LogCircuitHalfOpened(ILogger logger, string provider);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "{Provider} circuit closed")]
    private static partial void LogCircuitClosed(ILogger logger, string provider);
}
