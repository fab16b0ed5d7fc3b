using HybridStreaming.Contracts;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Relay.Worker.Application;
using HybridStreaming.Relay.Worker.Domain;
using HybridStreaming.Relay.Worker.Infrastructure;
using MassTransit;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Relay.Worker.Consumers;

/// <summary>A hybrid session started: queue its CDN relay. An agora-only one is only remembered.</summary>
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

        db.Tasks.Add(message.Mode == StreamMode.Hybrid
            ? RelayTask.Request(message.SessionId, message.ChannelId, message.AgoraChannelName, message.SellerRtcUid, clock.GetUtcNow(), options.Value.StartTimeout)
            : RelayTask.NotRequired(message.SessionId, message.ChannelId, message.AgoraChannelName, clock.GetUtcNow()));
        await db.SaveChangesAsync(context.CancellationToken);
    }
}

/// <summary>A session is stopping: tear down its relay — or remember the stop if the start has not arrived.</summary>
public sealed class StreamStopRequestedConsumer(RelaysDbContext db, TimeProvider clock) : IConsumer<StreamStopRequested>
{
    public async Task Consume(ConsumeContext<StreamStopRequested> context)
    {
        var message = context.Message;
        var task = await db.Tasks.FindAsync([message.SessionId], context.CancellationToken);
        if (task is null)
        {
            db.Tasks.Add(RelayTask.Tombstone(message.SessionId, message.ChannelId, clock.GetUtcNow()));
        }
        else
        {
            task.RequestStop(clock.GetUtcNow());
        }

        await db.SaveChangesAsync(context.CancellationToken);
    }
}
