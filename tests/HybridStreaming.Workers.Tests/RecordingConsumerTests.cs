using System.Diagnostics;
using FluentAssertions;
using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Recording.Worker.Application;
using HybridStreaming.Recording.Worker.Consumers;
using HybridStreaming.Recording.Worker.Domain;
using HybridStreaming.Recording.Worker.Infrastructure;
using HybridStreaming.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HybridStreaming.Workers.Tests;

/// <summary>
/// The recording worker's consumers keep the trace of the message they handle on the task they give
/// work to: the processor runs the task's steps (the Cloud Recording calls) in that trace.
/// </summary>
public sealed class RecordingConsumerTests(TestInfrastructure infrastructure) : IAsyncLifetime
{
    private ConsumerHost<RecordingsDbContext> _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await ConsumerHost<RecordingsDbContext>.StartAsync(
            await infrastructure.CreateDatabaseAsync("recording"),
            services => services.AddOptions<RecordingOptions>(),
            bus =>
            {
                bus.AddConsumer<StreamStartRequestedConsumer>();
                bus.AddConsumer<StreamStopRequestedConsumer>();
            });

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task A_start_stores_the_go_live_trace_on_the_recording_task_it_creates()
    {
        var sessionId = Guid.NewGuid();
        var goLive = ActivityTraceId.CreateRandom();

        await _host.ConsumeInTraceAsync(Start(sessionId), goLive);

        var task = await TaskAsync(sessionId);
        task.TraceParent.Should().NotBeNull("the consumer keeps the trace of the go-live for the task's steps");
        ActivityContext.Parse(task.TraceParent!, task.TraceState).TraceId.Should().Be(goLive);
    }

    [Fact]
    public async Task A_stop_puts_the_recording_task_in_the_trace_of_the_stop()
    {
        var sessionId = Guid.NewGuid();
        await _host.ConsumeInTraceAsync(Start(sessionId), ActivityTraceId.CreateRandom());
        var stop = ActivityTraceId.CreateRandom();

        await _host.ConsumeInTraceAsync(new StreamStopRequested(sessionId, Guid.NewGuid(), DateTimeOffset.UtcNow, "seller"), stop);

        var task = await TaskAsync(sessionId);
        task.StopRequested.Should().BeTrue();
        ActivityContext.Parse(task.TraceParent!, task.TraceState).TraceId.Should().Be(stop, "the stop steps belong to the stop, not to the go-live");
    }

    private static StreamStartRequested Start(Guid sessionId) =>
        new(sessionId, Guid.NewGuid(), DateTimeOffset.UtcNow, $"ch-{sessionId:N}"[..20], 1001, StreamMode.Hybrid, "seller-1");

    private Task<RecordingTask> TaskAsync(Guid sessionId) =>
        _host.WithDbAsync(db => db.Tasks.AsNoTracking().SingleAsync(t => t.SessionId == sessionId, TestContext.Current.CancellationToken));
}
