using System.Net;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using HybridStreaming.ServiceDefaults.Providers;
using Xunit;

namespace HybridStreaming.Agora.Tests;

public sealed class ResilienceTests
{
    private readonly StubHttpHandler stub = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_circuit_opens_after_repeated_failures_and_then_fails_fast_for_every_agora_client()
    {
        stub.Respond(HttpStatusCode.InternalServerError, """{"code":500,"reason":"internal_error"}""");
        using var host = Agora.Host(stub, values =>
        {
            values["AGORA_HTTP:MaxRetryAttempts"] = "0";
            values["AGORA_HTTP:BreakerMinimumThroughput"] = "2";
            values["AGORA_HTTP:BreakerFailureRatio"] = "0.5";
            values["AGORA_HTTP:BreakerBreakDuration"] = "00:01:00";
        });
        var recorder = host.Get<CloudRecordingClient>();
        for (var i = 0; i < 2; i++)
        {
            await FluentActions.Awaiting(() => recorder.AcquireAsync("shop_123", 527841, cancellationToken: Ct))
                .Should().ThrowAsync<AgoraApiException>().Where(e => e.StatusCode == 500);
        }

        var recording = () => recorder.AcquireAsync("shop_123", 527841, cancellationToken: Ct);
        var push = () => host.Get<MediaPushClient>().GetAsync("any", Ct);

        var open = (await recording.Should().ThrowAsync<AgoraCircuitOpenException>()).Which;
        open.IsCircuitOpen.Should().BeTrue();
        open.StatusCode.Should().BeNull();
        open.IsTransportFailure.Should().BeFalse();
        open.RetryAfter.Should().Be(TimeSpan.FromMinutes(1));
        open.Should().BeAssignableTo<ProviderApiException>();
        (await push.Should().ThrowAsync<AgoraCircuitOpenException>()).Which.Operation.Should().Be("media-push.get");
        stub.Requests.Should().HaveCount(2, "an open circuit sends nothing");
        host.Logs.GetSnapshot().Should().Contain(r => r.Id.Id == 9101);
    }

    [Fact]
    public async Task Provider_health_follows_the_circuit_and_a_successful_trial_call_makes_it_healthy_again()
    {
        stub.Respond(HttpStatusCode.InternalServerError, """{"code":500,"reason":"internal_error"}""");
        using var host = Agora.Host(stub, values =>
        {
            values["AGORA_HTTP:MaxRetryAttempts"] = "0";
            values["AGORA_HTTP:BreakerMinimumThroughput"] = "2";
            values["AGORA_HTTP:BreakerFailureRatio"] = "0.5";
            values["AGORA_HTTP:BreakerBreakDuration"] = "00:00:00.5";
        });
        var health = host.Get<ProviderHealth>();
        // This host's meter only (the factory hands out one per name): other tests' hosts count calls too.
        var meter = host.Get<System.Diagnostics.Metrics.IMeterFactory>().Create(new System.Diagnostics.Metrics.MeterOptions(ProviderHealth.MeterName));
        using var calls = new System.Diagnostics.Metrics.MeterListener();
        var counted = new System.Collections.Concurrent.ConcurrentBag<string>();
        calls.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "hybridstreaming.provider.calls")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        calls.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            for (var i = 0; i < value; i++)
            {
                counted.Add($"{Tag(tags, "provider")}/{Tag(tags, "outcome")}");
            }
        });
        calls.Start();
        var recorder = host.Get<CloudRecordingClient>();
        var check = () => health.For("agora").ToHealthCheckResult();

        check().Status.Should().Be(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, "no call yet");
        await FluentActions.Awaiting(() => recorder.AcquireAsync("shop_123", 527841, cancellationToken: Ct)).Should().ThrowAsync<AgoraApiException>();
        check().Status.Should().Be(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, "the last call failed");
        await FluentActions.Awaiting(() => recorder.AcquireAsync("shop_123", 527841, cancellationToken: Ct)).Should().ThrowAsync<AgoraApiException>();
        await FluentActions.Awaiting(() => recorder.AcquireAsync("shop_123", 527841, cancellationToken: Ct)).Should().ThrowAsync<AgoraCircuitOpenException>();

        var open = check();
        open.Status.Should().Be(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy);
        open.Description.Should().Contain("circuit breaker open").And.Contain("HTTP 500");
        open.Data["circuit"].Should().Be("open");
        health.For("agora").Circuit.Should().Be(CircuitState.Open);

        // After the break, the next call is the trial: it succeeds, the circuit closes, the provider is healthy.
        stub.Respond(HttpStatusCode.OK, """{"resourceId":"RID"}""");
        await Task.Delay(TimeSpan.FromMilliseconds(700), Ct);
        (await recorder.AcquireAsync("shop_123", 527841, cancellationToken: Ct)).ResourceId.Should().Be("RID");

        var healthy = check();
        healthy.Status.Should().Be(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, healthy.Description);
        healthy.Data["circuit"].Should().Be("closed");
        healthy.Data.Should().ContainKey("lastSuccessAt");
        counted.Count(c => c == "agora/failure").Should().Be(2);
        counted.Count(c => c == "agora/rejected").Should().Be(1);
        counted.Count(c => c == "agora/success").Should().Be(1);
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }

    [Fact]
    public async Task Client_errors_do_not_open_the_circuit()
    {
        stub.Respond(HttpStatusCode.NotFound, """{"code":404,"reason":"failed to find worker"}""");
        using var host = Agora.Host(stub, values => values["AGORA_HTTP:BreakerMinimumThroughput"] = "2");
        var recorder = host.Get<CloudRecordingClient>();

        for (var i = 0; i < 5; i++)
        {
            await FluentActions.Awaiting(() => recorder.QueryAsync("RID", "SID", cancellationToken: Ct))
                .Should().ThrowAsync<AgoraApiException>().Where(e => e.IsNotFound && !e.IsCircuitOpen);
        }

        stub.Requests.Should().HaveCount(5);
    }

    [Fact]
    public async Task A_rate_limit_does_not_open_the_circuit_so_stops_still_get_through()
    {
        // Many sessions against Agora's 10 QPS: a 429 means "slower", not "Agora is down".
        stub.Respond(HttpStatusCode.TooManyRequests, """{"message":"API rate limit exceeded"}""");
        using var host = Agora.Host(stub, values =>
        {
            values["AGORA_HTTP:MaxRetryAttempts"] = "0";
            values["AGORA_HTTP:BreakerMinimumThroughput"] = "2";
            values["AGORA_HTTP:BreakerFailureRatio"] = "0.5";
        });
        var recorder = host.Get<CloudRecordingClient>();

        for (var i = 0; i < 5; i++)
        {
            await FluentActions.Awaiting(() => recorder.QueryAsync("RID", "SID", cancellationToken: Ct))
                .Should().ThrowAsync<AgoraApiException>().Where(e => e.StatusCode == 429 && e.IsRetryable && !e.IsCircuitOpen);
        }

        stub.Respond(HttpStatusCode.OK, """{"resourceId":"RID","sid":"SID","serverResponse":{"fileList":[],"uploadingStatus":"uploaded"}}""");
        await FluentActions.Awaiting(() => recorder.StopAsync("RID", "SID", "shop_123", 527841, cancellationToken: Ct)).Should().NotThrowAsync();
        stub.Requests.Should().HaveCount(6, "every call was sent: the circuit stayed closed");
    }

    [Theory]
    [InlineData(0, 10, 5, 10)]
    [InlineData(1, 10, 10, 20)]
    [InlineData(2, 10, 20, 40)]
    [InlineData(6, 10, 25, 50)]
    public void Backoff_is_exponential_with_bounded_jitter(int retry, int baseMs, int minMs, int maxMs)
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 1000)
            .Select(_ => ProviderResilience.Backoff(retry, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(50), random.NextDouble()))
            .ToList();

        delays.Should().OnlyContain(d => d >= TimeSpan.FromMilliseconds(minMs) && d <= TimeSpan.FromMilliseconds(maxMs));
        delays.Distinct().Count().Should().BeGreaterThan(100, "jitter spreads the retries of many clients");
        ProviderResilience.Backoff(retry, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(50), 0).Should().Be(TimeSpan.FromMilliseconds(minMs));
        ProviderResilience.Backoff(retry, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(50), 1).Should().Be(TimeSpan.FromMilliseconds(maxMs));
    }

    [Fact]
    public async Task Retry_delays_of_a_real_call_stay_within_the_backoff_bounds()
    {
        stub.Respond(HttpStatusCode.BadGateway, """{"message":"bad gateway"}""");
        using var host = Agora.Host(stub);

        await FluentActions.Awaiting(() => host.Get<CloudRecordingClient>().AcquireAsync("shop_123", 527841, cancellationToken: Ct))
            .Should().ThrowAsync<AgoraApiException>();

        var delays = host.Logs.GetSnapshot().Where(r => r.Id.Id == 9100)
            .Select(r => long.Parse(r.StructuredState!.Single(kv => kv.Key == "DelayMs").Value!, System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        delays.Should().HaveCount(3);
        delays[0].Should().BeInRange(5, 10);
        delays[1].Should().BeInRange(10, 20);
        delays[2].Should().BeInRange(20, 40);
    }

    [Fact]
    public void Retry_after_reads_seconds_and_dates()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-05-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.Add("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        date.Headers.Add("Retry-After", "Fri, 01 May 2026 12:00:30 GMT");
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        ProviderResilience.RetryAfter(seconds, time).Should().Be(TimeSpan.FromSeconds(7));
        ProviderResilience.RetryAfter(date, time).Should().Be(TimeSpan.FromSeconds(30));
        ProviderResilience.RetryAfter(none, time).Should().BeNull();
    }
}
