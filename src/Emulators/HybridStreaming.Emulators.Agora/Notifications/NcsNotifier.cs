using System.Text;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Webhooks;

namespace HybridStreaming.Emulators.Agora.Notifications;

/// <summary>
/// Agora Notifications (NCS): <c>{noticeId, productId, eventType, notifyMs, payload}</c> POSTed to
/// <c>AGORA_NCS_WEBHOOK_URL</c>, signed over the raw body with the NCS secret — <c>Agora-Signature</c>
/// (hex HMAC-SHA1) and <c>Agora-Signature-V2</c> (hex HMAC-SHA256). A resend carries a new
/// <c>notifyMs</c> (so new signatures) and the same <c>noticeId</c>. Webhook faults match the event
/// name <c>&lt;productId&gt;.&lt;eventType&gt;</c>, e.g. <c>1.103</c>, <c>3.*</c>; so do the subscribed events
/// (<c>AGORA_NCS_EVENTS</c>): one that is not subscribed is not sent at all.
/// </summary>
public sealed class NcsNotifier(AgoraSettings settings, WebhookDispatcher webhooks, TimeProvider time)
{
    public const int RtcProduct = 1;
    public const int RecordingProduct = 3;
    public const int MediaPushProduct = 5;

    private readonly string _instance = Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private long _sequence;

    public void Send(int productId, int eventType, JsonObject payload)
    {
        if (!settings.NcsEvents.Includes($"{productId}.{eventType}"))
        {
            return;
        }

        var noticeId = $"{_instance}:{Interlocked.Increment(ref _sequence)}:{eventType}";
        var frozen = payload.ToJsonString();
        webhooks.Enqueue(new WebhookMessage("agora-ncs", $"{productId}.{eventType}", settings.NcsWebhookUrl, _ =>
        {
            var body = new JsonObject
            {
                ["noticeId"] = noticeId,
                ["productId"] = productId,
                ["eventType"] = eventType,
                ["notifyMs"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
                ["payload"] = JsonNode.Parse(frozen),
            };
            var raw = Encoding.UTF8.GetBytes(body.ToJsonString());
            return new WebhookPayload(raw,
            [
                new("Agora-Signature", Signatures.HmacSha1Hex(settings.NcsSecret, raw)),
                new("Agora-Signature-V2", Signatures.HmacSha256Hex(settings.NcsSecret, raw)),
            ]);
        }));
    }
}
