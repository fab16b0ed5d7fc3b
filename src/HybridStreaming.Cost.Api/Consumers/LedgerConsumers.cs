using HybridStreaming.Contracts.Channels;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Contracts.Relay;
using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Cost.Api.Domain;
using MassTransit;

namespace HybridStreaming.Cost.Api.Consumers;

// The facts a session's cost is made of. Each consumer hands its fact to the ledger, which takes one of
// each kind per session in any order and writes when they are complete (or at the deadline).

public sealed class StreamStartRequestedConsumer(LedgerStore ledgers) : IConsumer<StreamStartRequested>
{
    public Task Consume(ConsumeContext<StreamStartRequested> context)
    {
        var message = context.Message;
        return ledgers.TakeAsync(message.SessionId, message.ChannelId, LedgerFacts.StreamStartRequested,
            (ledger, _) => ledger.StartRequested(message.SellerId, message.Mode, message.OccurredAt), context.CancellationToken);
    }
}

public sealed class StreamEndedConsumer(LedgerStore ledgers, CostOptions options) : IConsumer<StreamEnded>
{
    public Task Consume(ConsumeContext<StreamEnded> context)
    {
        var message = context.Message;
        return ledgers.TakeAsync(message.SessionId, message.ChannelId, LedgerFacts.StreamEnded,
            (ledger, now) => ledger.Ended(message.Mode, message.LiveSeconds, message.OccurredAt, now, options.LedgerDeadline), context.CancellationToken);
    }
}

public sealed class ViewerUsageReportedConsumer(LedgerStore ledgers) : IConsumer<ViewerUsageReported>
{
    public Task Consume(ConsumeContext<ViewerUsageReported> context)
    {
        var message = context.Message;
        return ledgers.TakeAsync(message.SessionId, message.ChannelId, LedgerFacts.ViewerUsageReported,
            (ledger, _) => ledger.ViewerUsage(message.ViewerMinutes, message.HlsViewerMinutes, message.AgoraViewerMinutes,
                message.PeakViewers, message.UniqueViewers, message.Complete),
            context.CancellationToken);
    }
}

public sealed class RecordingStoppedConsumer(LedgerStore ledgers) : IConsumer<RecordingStopped>
{
    public Task Consume(ConsumeContext<RecordingStopped> context)
    {
        var message = context.Message;
        return ledgers.TakeAsync(message.SessionId, message.ChannelId, LedgerFacts.RecordingStopped,
            (ledger, _) => ledger.RecordingStoppedAfter(message.Minutes, message.Tier), context.CancellationToken);
    }
}

public sealed class RelayStoppedConsumer(LedgerStore ledgers) : IConsumer<RelayStopped>
{
    public Task Consume(ConsumeContext<RelayStopped> context)
    {
        var message = context.Message;
        return ledgers.TakeAsync(message.SessionId, message.ChannelId, LedgerFacts.RelayStopped,
            (ledger, _) => ledger.RelayStoppedAfter(message.Minutes), context.CancellationToken);
    }
}
