using System.Diagnostics;
using FluentAssertions;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Relay.Worker.Application;
using HybridStreaming.Relay.Worker.Consumers;
using HybridStreaming.Relay.Worker.Domain;
using HybridStreaming.Relay.Worker.Infrastructure;
using HybridStreaming.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HybridStreaming.Workers.Tests;

/// <summary>
/// The relay worker's consumers keep the trace of the message they handle on the task they give work
/// to: the processor runs the task's steps (the Cloudflare and Media Push calls) in that trace.
/// </summary>
public sealed class RelayConsumerTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    private ConsumerHost<RelaysDbContext> _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ConsumerHost<RelaysDbContext>.StartAsync(
            await infrastructure.CreateDatabaseAsync("relay"),
            services => services.AddOptions<RelayOptions>(),
            bus =>
            {
                bus.AddConsumer<StreamStartRequestedConsumer>();
                bus.AddConsumer<StreamStopRequestedConsumer>();
            });

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_hybrid_start_stores_the_go_live_trace_on_the_relay_task_it_creates()
    {
        var sessionId = Guid.NewGuid();
        var goLive = ActivityTraceId.CreateRandom();

        await _host.ConsumeInTraceAsync(
            new StreamStartRequested(sessionId, Guid.NewGuid(), DateTimeOffset.UtcNow, $"ch-{sessionId:N}"[..20], 1001, StreamMode.Hybrid, "seller-1"), goLive);

        var task = await TaskAsync(sessionId);
        task.State.Should().Be(RelayTaskState.Pending);
        task.TraceParent.Should().NotBeNull("the consumer keeps the trace of the go-live for the task's steps");
        ActivityContext.Parse(task.TraceParent!, task.TraceState).TraceId.Should().Be(goLive);
    }

    [Fact]
    public async Task A_stop_before_its_start_stores_the_trace_of_the_stop_on_the_tombstone()
    {
        var sessionId = Guid.NewGuid();
        var stop = ActivityTraceId.CreateRandom();

        await _host.ConsumeInTraceAsync(new StreamStopRequested(sessionId, Guid.NewGuid(), DateTimeOffset.UtcNow, "seller"), stop);

        var task = await TaskAsync(sessionId);
        task.StopRequested.Should().BeTrue();
        task.TraceParent.Should().NotBeNull("the tombstone's step answers the stop, in the stop's trace");
        ActivityContext.Parse(task.TraceParent!, task.TraceState).TraceId.Should().Be(stop);
    }

    private Task<RelayTask> TaskAsync(Guid sessionId) =>
        _host.WithDbAsync(db => db.Tasks.AsNoTracking().SingleAsync(t => t.SessionId == sessionId, TestContext.Current.CancellationToken));
}
