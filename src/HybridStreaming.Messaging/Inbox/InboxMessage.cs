namespace HybridStreaming.Messaging.Inbox;

/// <summary>A message a consumer endpoint has processed; its presence turns a redelivery into a no-op.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; set; }

    /// <summary>The receive endpoint (queue) that processed it: one service may consume a message on several endpoints.</summary>
    public string Consumer { get; set; } = "";

    public string MessageType { get; set; } = "";

    public DateTimeOffset ProcessedAt { get; set; }
}
