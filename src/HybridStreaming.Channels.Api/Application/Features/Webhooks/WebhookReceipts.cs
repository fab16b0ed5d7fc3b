using HybridStreaming.Channels.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Webhooks;

public sealed record WebhookOutcome(string Result);

/// <summary>
/// Providers resend and duplicate notifications. Each is claimed by its id in the same transaction as
/// its effect: the first delivery does the work, a repeat does nothing, and a delivery whose handling
/// failed leaves no claim behind, so the provider's retry is processed.
/// </summary>
public sealed class WebhookReceipts(ChannelsDbContext db, TimeProvider clock)
{
    public async Task<WebhookOutcome> HandleOnceAsync(string provider, string notificationId, Func<CancellationToken, Task<string>> effect, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var claimed = await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO webhook_receipts (provider, notification_id, received_at)
            VALUES ({provider}, {notificationId}, {now})
            ON CONFLICT DO NOTHING
            """,
            cancellationToken);
        if (claimed == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new WebhookOutcome("duplicate");
        }

        var result = await effect(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new WebhookOutcome(result);
    }
}
