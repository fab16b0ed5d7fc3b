using HybridStreaming.Contracts.Channels;
using HybridStreaming.Messaging;
using HybridStreaming.Recording.Worker.Application;
using HybridStreaming.Recording.Worker.Domain;
using HybridStreaming.Recording.Worker.Infrastructure;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Recording.Worker.Consumers;

/// <summary>
/// A session started (hybrid or agora-only: it is recorded either way): queue its recording, in the
/// go-live's trace (its steps run under it; see <see cref="RecordingTask.TraceParent"/>).
/// </summary>
public sealed class StreamStartRequestedConsumer(RecordingsDbContext db, IOptions<RecordingOptions> options, TimeProvider clock)
    : IConsumer<StreamStartRequested>
{
    public async Task Consume(ConsumeContext<StreamStartRequested> context)
    {
        var message = context.Message;
        var task = await db.Tasks.FindAsync([message.SessionId], context.CancellationToken);
        if (task is null)
        {
            task = RecordingTask.Request(
                message.SessionId, message.ChannelId, message.AgoraChannelName, RecorderUids.For(message.SessionId),
                clock.GetUtcNow(), options.Value.StartTimeout);
            var trace = StoredTraceContext.Current;
            task.ContinueTrace(trace.TraceParent, trace.TraceState);
            db.Tasks.Add(task);
        }
        else
        {
            task.AcceptStart(message.AgoraChannelName, RecorderUids.For(message.SessionId));
        }

        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>
/// A session is stopping: stop its recording — or remember the stop if the start has not arrived. The
/// stop's steps run in the stop's trace.
/// </summary>
public sealed class StreamStopRequestedConsumer(RecordingsDbContext db, TimeProvider clock) : IConsumer<StreamStopRequested>
{
    public async Task Consume(ConsumeContext<StreamStopRequested> context)
    {
        var message = context.Message;
        var task = await db.Tasks.FindAsync([message.SessionId], context.CancellationToken);
        var trace = StoredTraceContext.Current;
        if (task is null)
        {
            task = RecordingTask.Tombstone(message.SessionId, message.ChannelId, clock.GetUtcNow());
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
