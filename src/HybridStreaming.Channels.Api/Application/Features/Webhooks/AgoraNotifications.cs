using System.Text.Json;
using System.Text.Json.Serialization;
using HybridStreaming.Channels.Api.Domain;
using Mediator;

namespace HybridStreaming.Channels.Api.Application.Features.Webhooks;

/// <summary>An Agora NCS notification envelope (agora.md §4).</summary>
public sealed record AgoraNotification(
    [property: JsonPropertyName("noticeId")] string? NoticeId,
    [property: JsonPropertyName("productId")] int ProductId,
    [property: JsonPropertyName("eventType")] int EventType,
    [property: JsonPropertyName("notifyMs")] long NotifyMs,
    [property: JsonPropertyName("payload")] JsonElement Payload) : ICommand<Result<WebhookOutcome>>;

/// <summary>
/// Seller presence from Agora's RTC channel events: broadcaster left (104) or became audience (112)
/// starts the grace period; broadcaster joined (103) or became broadcaster (111) ends it. Events are
/// ordered by the payload's <c>clientSeq</c>, so a late older event cannot undo a newer one.
/// </summary>
public sealed class AgoraNotificationHandler(WebhookReceipts receipts, SessionStore sessions, ChannelsOptions options)
    : ICommandHandler<AgoraNotification, Result<WebhookOutcome>>
{
    private const int RtcProduct = 1;
    private const int BroadcasterJoined = 103;
    private const int BroadcasterLeft = 104;
    private const int BecameBroadcaster = 111;
    private const int BecameAudience = 112;

    public async ValueTask<Result<WebhookOutcome>> Handle(AgoraNotification notification, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(notification.NoticeId))
        {
            return Error.Invalid("noticeId", "noticeId is required.");
        }

        if (notification.ProductId != RtcProduct
            || notification.EventType is not (BroadcasterJoined or BroadcasterLeft or BecameBroadcaster or BecameAudience))
        {
            return new WebhookOutcome("ignored: not a seller presence event");
        }

        if (notification.Payload.ValueKind != JsonValueKind.Object
            || !notification.Payload.TryGetProperty("channelName", out var channelName) || channelName.ValueKind != JsonValueKind.String
            || !notification.Payload.TryGetProperty("uid", out var uidElement) || !uidElement.TryGetUInt32(out var uid))
        {
            return Error.Invalid("payload", "payload.channelName (string) and payload.uid (number) are required for RTC channel events.");
        }

        if (!Channel.TryParseAgoraChannelName(channelName.GetString()!, out var channelId))
        {
            return new WebhookOutcome("ignored: not one of our channels");
        }

        var sequence = notification.Payload.TryGetProperty("clientSeq", out var seq) && seq.TryGetInt64(out var s) ? s : notification.NotifyMs;
        var leaving = notification.EventType is BroadcasterLeft or BecameAudience;
        var reason = leaving ? LeaveReason(notification) : "";

        return await receipts.HandleOnceAsync("agora", notification.NoticeId, async ct =>
        {
            if (await sessions.FindActiveAsync(channelId, ct) is not { } active)
            {
                return "ignored: the channel has no active session";
            }

            var transition = await sessions.ApplyAsync(active.Id, leaving ? "seller left" : "seller joined", (session, now) => leaving
                ? session.OnSellerLeft(uid, sequence, reason, now, options.SellerGrace)
                : session.OnSellerJoined(uid, sequence, now), ct);
            return transition is { Applied: true } ? "applied" : $"ignored: {transition?.IgnoredBecause}";
        }, cancellationToken);
    }

    private static string LeaveReason(AgoraNotification notification) =>
        notification.EventType == BecameAudience
            ? "became audience"
            : notification.Payload.TryGetProperty("reason", out var reason) && reason.TryGetInt32(out var code)
                ? code switch
                {
                    1 => "quit",
                    2 => "timeout",
                    3 => "kicked",
                    5 => "new device",
                    10 => "network",
                    12 => "token",
                    _ => $"reason {code}",
                }
                : "left";
}
