using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Messaging;
using HybridStreaming.Relay.Worker.Application;
using HybridStreaming.Relay.Worker.Domain;
using HybridStreaming.Relay.Worker.Infrastructure;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Relay.Worker.Consumers;

/// <summary>
/// A hybrid session started: queue its CDN relay, in the go-live's trace (its steps run under it; see
/// <see cref="RelayTask.TraceParent"/>). An agora-only one is only remembered.
/// </summary>
public sealed class StreamStartRequestedConsumer(RelaysDbContext db, IOptions<RelayOptions> options, TimeProvider clock)
    : IConsumer<StreamStartRequested>
{
    public async Task Consume(ConsumeContext<StreamStartRequested> context)
    {
        var message = context.Message;
        if (await db.Tasks.FindAsync([message.SessionId], context.CancellationToken) is not null)
        {
            return; // a redelivery, or the start arriving after its stop (tombstone): nothing to do
        }

        var task = message.Mode == StreamMode.Hybrid
            ? RelayTask.Request(message.SessionId, message.ChannelId, message.AgoraChannelName, message.SellerRtcUid, clock.GetUtcNow(), options.Value.GiveUpAfter)
            : RelayTask.NotRequired(message.SessionId, message.ChannelId, message.AgoraChannelName, clock.GetUtcNow());
        var trace = StoredTraceContext.Current;
        task.ContinueTrace(trace.TraceParent, trace.TraceState);
        db.Tasks.Add(task);
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>
/// A session is stopping: tear down its relay — or remember the stop if the start has not arrived. The
/// teardown's steps run in the stop's trace.
/// </summary>
public sealed class StreamStopRequestedConsumer(RelaysDbContext db, TimeProvider clock) : IConsumer<StreamStopRequested>
{
    public async Task Consume(ConsumeContext<StreamStopRequested> context)
    {
        var message = context.Message;
        var task = await db.Tasks.FindAsync([message.SessionId], context.CancellationToken);
        var trace = StoredTraceContext.Current;
        if (task is null)
        {
            task = RelayTask.Tombstone(message.SessionId, message.ChannelId, clock.GetUtcNow());
            task.ContinueTrace(trace.TraceParent, trace.TraceState);
            db.Tasks.Add(task);
        }
        else if (task.RequestStop(clock.GetUtcNow()))
        {
            task.ContinueTrace(trace.TraceParent, trace.TraceState);
        }

        await db.SaveChangesAsync(context.CancellationToken);
    }
}
