using HybridStreaming.Contracts.Channels;
using HybridStreaming.Recording.Worker.Application;
using HybridStreaming.Recording.Worker.Domain;
using HybridStreaming.Recording.Worker.Infrastructure;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Recording.Worker.Consumers;

/// <summary>A session started (hybrid or agora-only: it is recorded either way): queue its recording.</summary>
public sealed class StreamStartRequestedConsumer(RecordingsDbContext db, IOptions<RecordingOptions> options, TimeProvider clock)
    : IConsumer<StreamStartRequested>
{
    public async Task Consume(ConsumeContext<StreamStartRequested> context)
    {
        var message = context.Message;
        var task = await db.Tasks.FindAsync([message.SessionId], context.CancellationToken);
        if (task is null)
        {
            db.Tasks.Add(RecordingTask.Request(
                message.SessionId, message.ChannelId, message.AgoraChannelName, RecorderUids.For(message.SessionId),
                clock.GetUtcNow(), options.Value.StartTimeout));
        }
        else
        {
            task.AcceptStart(message.AgoraChannelName, RecorderUids.For(message.SessionId));
        }

        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>A session is stopping: stop its recording — or remember the stop if the start has not arrived.</summary>
public sealed class StreamStopRequestedConsumer(RecordingsDbContext db, TimeProvider clock) : IConsumer<StreamStopRequested>
{
    public async Task Consume(ConsumeContext<StreamStopRequested> context)
    {
        var message = context.Message;
        var task = await db.Tasks.FindAsync([message.SessionId], context.CancellationToken);
        if (task is null)
        {
            db.Tasks.Add(RecordingTask.Tombstone(message.SessionId, message.ChannelId, clock.GetUtcNow()));
        }
        else
        {
            task.RequestStop(clock.GetUtcNow());
        }

        await db.SaveChangesAsync(context.CancellationToken);
    }
}
