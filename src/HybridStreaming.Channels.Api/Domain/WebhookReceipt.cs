namespace HybridStreaming.Channels.Api.Domain;

/// <summary>A provider notification already handled (providers resend and duplicate them).</summary>
public sealed class WebhookReceipt
{
    private WebhookReceipt()
    {
    }

    public string Provider { get; private set; } = "";

    /// <summary>The provider's own id of the notification (Agora <c>noticeId</c>; for Cloudflare a digest of the event).</summary>
    public string NotificationId { get; private set; } = "";

    public DateTimeOffset ReceivedAt { get; private set; }

    public static WebhookReceipt Of(string provider, string notificationId, DateTimeOffset now) =>
        new() { Provider = provider, NotificationId = notificationId, ReceivedAt = now };
}
