using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Webhooks;
using HybridStreaming.Emulators.CloudflareStream.Api;
using HybridStreaming.Emulators.CloudflareStream.Domain;

namespace HybridStreaming.Emulators.CloudflareStream.Ingest;

/// <summary>
/// The two ways Cloudflare tells about streams: live input events through Notifications (authenticated by
/// <c>cf-webhook-auth</c>), and the account's video webhook when a recording is ready (signed with
/// <c>Webhook-Signature: time=…,sig1=…</c>).
/// </summary>
public sealed class StreamNotifier(StreamSettings settings, StreamStore store, StreamJson json, WebhookDispatcher webhooks, TimeProvider time)
{
    public const string PolicyName = "HybridStreaming live inputs";

    public void LiveInputEvent(string inputUid, string eventType, JsonObject? errored = null)
    {
        var updatedAt = time.GetUtcNow();
        webhooks.Enqueue(new WebhookMessage("cloudflare-notification", eventType, settings.NotificationUrl, _ =>
        {
            var stamp = updatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);
            var data = new JsonObject
            {
                ["notification_name"] = "Stream Live Input",
                ["input_id"] = inputUid,
                ["event_type"] = eventType,
                ["updated_at"] = stamp,
            };
            if (errored is not null)
            {
                data["live_input_errored"] = errored.DeepClone();
            }

            var body = new JsonObject
            {
                ["name"] = PolicyName,
                ["text"] = $"Notification type: Stream Live Input\nInput ID: {inputUid}\nEvent type: {eventType}\nUpdated at: {stamp}",
                ["data"] = data,
                ["ts"] = updatedAt.ToUnixTimeSeconds(),
            };
            return new WebhookPayload(Encoding.UTF8.GetBytes(body.ToJsonString()), [new("cf-webhook-auth", settings.NotificationsSecret)]);
        }));
    }

    public void VideoFinished(Video video)
    {
        Uri? url;
        JsonObject body;
        lock (store.Sync)
        {
            url = store.WebhookUrl is { } registered ? new Uri(registered) : null;
            body = json.Video(video);
        }

        var raw = Encoding.UTF8.GetBytes(body.ToJsonString());
        webhooks.Enqueue(new WebhookMessage("cloudflare-stream-webhook", "video." + video.State, url, _ =>
        {
            // time = when this attempt is sent; sig1 = hex HMAC-SHA256(secret, "<time>.<raw body>").
            var sent = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var signed = Encoding.UTF8.GetBytes(sent + ".").Concat(raw).ToArray();
            var signature = Signatures.HmacSha256Hex(settings.WebhookSecret, signed);
            return new WebhookPayload(raw, [new("Webhook-Signature", $"time={sent},sig1={signature}")]);
        }));
    }
}
