using MassTransit;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Messaging.Inbox;

/// <summary>
/// Scoped consume filter in front of every consumer: the consumer runs inside a transaction that also
/// records the message id, so a redelivered message (same MessageId, e.g. republished by the outbox
/// after a crash) changes nothing the second time. It shares the consumer's scope, hence its DbContext.
/// </summary>
public sealed partial class InboxFilter<TMessage>(IInboxStore inbox, ILogger<InboxFilter<TMessage>> logger)
    : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        if (context.MessageId is not { } messageId)
        {
            // Only messages published without an id (never ours) get here; they cannot be deduplicated.
            await next.Send(context);
            return;
        }

        var consumer = EndpointName(context.ReceiveContext.InputAddress);
        await using var claim = await inbox.ClaimAsync(messageId, consumer, typeof(TMessage).Name, context.CancellationToken);
        if (claim.AlreadyProcessed)
        {
            LogDuplicate(logger, typeof(TMessage).Name, messageId, consumer);
            return;
        }

        await next.Send(context);
        await claim.CompleteAsync(context.CancellationToken);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox");

    internal static string EndpointName(Uri? inputAddress) =>
        inputAddress?.AbsolutePath.TrimEnd('/').Split('/').LastOrDefault() is { Length: > 0 } name ? name : "unknown";

    [LoggerMessage(Level = LogLevel.Information, Message = "{MessageType} {MessageId} was already processed by {Consumer}; skipping the redelivery")]
    private static partial void LogDuplicate(ILogger logger, string messageType, Guid messageId, string consumer);
}
