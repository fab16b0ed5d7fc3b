using System.Text.Json.Serialization;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Webhooks;

public sealed record CloudflareNotificationData(
    [property: JsonPropertyName("input_id")] string? InputId,
    [property: JsonPropertyName("event_type")] string? EventType,
    [property: JsonPropertyName("updated_at")] string? UpdatedAt);

/// <summary>A Cloudflare Notifications delivery for a live input (cloudflare-stream.md §5b).</summary>
public sealed record CloudflareLiveInputNotification(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("data")] CloudflareNotificationData? Data,
    [property: JsonPropertyName("ts")] long Ts) : ICommand<Result<WebhookOutcome>>;

/// <summary>The relay's live input connected, disconnected or errored: the session's relay state follows it.</summary>
public sealed class CloudflareLiveInputNotificationHandler(ChannelsDbContext db, WebhookReceipts receipts, SessionStore sessions, ChannelsOptions options)
    : ICommandHandler<CloudflareLiveInputNotification, Result<WebhookOutcome>>
{
    public async ValueTask<Result<WebhookOutcome>> Handle(CloudflareLiveInputNotification notification, CancellationToken cancellationToken)
    {
        if (notification.Data is not { InputId: { Length: > 0 } inputId, EventType: { Length: > 0 } eventType })
        {
            return Error.Invalid("data", "data.input_id and data.event_type are required.");
        }

        var status = eventType switch
        {
            "live_input.connected" => "connected",
            "live_input.disconnected" => "disconnected",
            "live_input.errored" => "errored",
            _ => null,
        };
        if (status is null)
        {
            return new WebhookOutcome($"ignored: event type {eventType}");
        }

        var notificationId = $"{inputId}:{eventType}:{notification.Data.UpdatedAt ?? notification.Ts.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return await receipts.HandleOnceAsync("cloudflare", notificationId, async ct =>
        {
            var sessionId = await db.Sessions.AsNoTracking()
                .Where(s => s.LiveInputUid == inputId && (s.State == SessionState.Starting || s.State == SessionState.Live))
                .Select(s => (Guid?)s.Id)
                .FirstOrDefaultAsync(ct);
            if (sessionId is null)
            {
                return "ignored: no active session uses this live input";
            }

            var transition = await sessions.ApplyAsync(sessionId.Value, $"live input {status}", (session, now) => status == "connected"
                ? session.OnRelayInputConnected(now, options.MaxModeSwitches)
                : session.OnRelayInputDisconnected(status, now), ct);
            return transition is { Applied: true } ? "applied" : $"ignored: {transition?.IgnoredBecause}";
        }, cancellationToken);
    }
}
