using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HybridStreaming.ServiceDefaults.Providers;

/// <summary>A provider circuit breaker's state, as the metric <c>hybridstreaming_provider_circuit_state</c> reports it.</summary>
public enum CircuitState
{
    Closed = 0,
    HalfOpen = 1,
    Open = 2,
}

/// <summary>
/// What this process knows of each provider it calls, from its own calls only: the circuit breaker's
/// state and the outcome of the last call. Nothing here calls a provider, so reading it (the
/// <c>/health/providers</c> checks, the gateway's <c>/api/health</c>, the metrics) spends no quota.
/// The provider pipeline (<see cref="ProviderResilience"/>) keeps it up to date, and counts every call
/// by outcome in <c>hybridstreaming.provider.calls</c>.
/// </summary>
public sealed class ProviderHealth
{
    public const string MeterName = "HybridStreaming.Providers";

    /// <summary>The tag of the provider checks: answered by <c>/health/providers</c>, left out of <c>/health</c> (readiness).</summary>
    public const string Tag = "provider";

    private readonly ConcurrentDictionary<string, ProviderState> _providers = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly Counter<long> _calls;

    public ProviderHealth(IMeterFactory meters, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(meters);
        _clock = clock ?? TimeProvider.System;
        var meter = meters.Create(MeterName);
        _calls = meter.CreateCounter<long>(
            "hybridstreaming.provider.calls", description: "Calls to a provider's API by outcome: success, failure (an error, a time-out, a transient answer) or rejected (its circuit breaker was open).");
        meter.CreateObservableGauge(
            "hybridstreaming.provider.circuit.state",
            () => _providers.Values.Select(p => new Measurement<int>((int)p.Circuit, new KeyValuePair<string, object?>("provider", p.Name))),
            description: "A provider's circuit breaker in this process: 0 closed, 1 half-open (a trial call is let through), 2 open (calls fail fast).");
    }

    public IReadOnlyCollection<ProviderState> Providers => [.. _providers.Values.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public ProviderState For(string provider) => _providers.GetOrAdd(provider, name =>
    {
        // Every outcome's series from the start, at zero: Prometheus cannot see a counter's first increment.
        foreach (var outcome in new[] { "success", "failure", "rejected" })
        {
            _calls.Add(0, new KeyValuePair<string, object?>("provider", name), new KeyValuePair<string, object?>("outcome", outcome));
        }

        return new ProviderState(name);
    });

    internal void CallSucceeded(string provider)
    {
        For(provider).Succeeded(_clock.GetUtcNow());
        _calls.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", "success"));
    }

    internal void CallFailed(string provider, string outcome)
    {
        For(provider).Failed(_clock.GetUtcNow(), outcome);
        _calls.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", "failure"));
    }

    internal void CallRejected(string provider) =>
        _calls.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("outcome", "rejected"));

    internal void CircuitChanged(string provider, CircuitState state, string? cause = null) =>
        For(provider).CircuitChanged(state, _clock.GetUtcNow(), cause);
}

/// <summary>One provider as this process sees it. Times are UTC; <see cref="LastFailure"/> names an HTTP status or an exception type, never a message or a URL.</summary>
public sealed class ProviderState(string name)
{
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    public CircuitState Circuit { get; private set; }

    public DateTimeOffset? CircuitSince { get; private set; }

    /// <summary>What opened the circuit.</summary>
    public string? CircuitCause { get; private set; }

    public DateTimeOffset? LastSuccessAt { get; private set; }

    public DateTimeOffset? LastFailureAt { get; private set; }

    public string? LastFailure { get; private set; }

    /// <summary>
    /// Healthy while the circuit is closed and the last call did not fail; degraded while a trial call
    /// decides (half-open) or after a failed call the breaker has not acted on yet; unhealthy while open.
    /// A successful trial call closes the circuit, which makes the provider healthy again.
    /// </summary>
    public HealthCheckResult ToHealthCheckResult()
    {
        lock (_gate)
        {
            var data = new Dictionary<string, object>
            {
                ["circuit"] = Circuit switch { CircuitState.Open => "open", CircuitState.HalfOpen => "half-open", _ => "closed" },
            };
            if (LastSuccessAt is { } success)
            {
                data["lastSuccessAt"] = success.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            }

            if (LastFailureAt is { } failure)
            {
                data["lastFailureAt"] = failure.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            }

            return Circuit switch
            {
                CircuitState.Open => HealthCheckResult.Unhealthy(
                    $"{Name}: circuit breaker open since {CircuitSince:O} after {CircuitCause ?? "repeated failures"}; calls fail fast until a trial call succeeds.", data: data),
                CircuitState.HalfOpen => HealthCheckResult.Degraded($"{Name}: circuit breaker half-open; a trial call decides.", data: data),
                _ when LastFailureAt > (LastSuccessAt ?? DateTimeOffset.MinValue) => HealthCheckResult.Degraded(
                    $"{Name}: the last call failed at {LastFailureAt:O} ({LastFailure}).", data: data),
                _ when LastSuccessAt is { } at => HealthCheckResult.Healthy($"{Name}: last successful call at {at:O}.", data),
                _ => HealthCheckResult.Healthy($"{Name}: no call yet.", data),
            };
        }
    }

    internal void Succeeded(DateTimeOffset now)
    {
        lock (_gate)
        {
            LastSuccessAt = now;
        }
    }

    internal void Failed(DateTimeOffset now, string outcome)
    {
        lock (_gate)
        {
            LastFailureAt = now;
            LastFailure = outcome;
        }
    }

    internal void CircuitChanged(CircuitState state, DateTimeOffset now, string? cause)
    {
        lock (_gate)
        {
            Circuit = state;
            CircuitSince = now;
            CircuitCause = state == CircuitState.Open ? cause : CircuitCause;
        }
    }
}

/// <summary>The health check of one provider, from <see cref="ProviderHealth"/>: no call is made.</summary>
internal sealed class ProviderHealthCheck(ProviderHealth health, string provider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.For(provider).ToHealthCheckResult());
}
