namespace HybridStreaming.Messaging;

public static class MessageHeaders
{
    /// <summary>The aggregate an outbox message belongs to (its ordering key).</summary>
    public const string AggregateId = "hs-aggregate-id";
}
