using HybridStreaming.Contracts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace HybridStreaming.Messaging.Outbox;

/// <summary>
/// Before every save, moves the integration events raised by tracked aggregates
/// (<see cref="IHasIntegrationEvents"/>) into the outbox, so a transition and its events commit
/// together — no handler can forget to publish, and none can publish without committing.
/// </summary>
public sealed class IntegrationEventsInterceptor(TimeProvider clock) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        MoveToOutbox(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        MoveToOutbox(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void MoveToOutbox(DbContext? db)
    {
        if (db is null)
        {
            return;
        }

        foreach (var aggregate in db.ChangeTracker.Entries<IHasIntegrationEvents>().Select(e => e.Entity).ToList())
        {
            foreach (var integrationEvent in aggregate.PendingEvents)
            {
                db.AddIntegrationEvent(integrationEvent, clock);
            }

            aggregate.ClearPendingEvents();
        }
    }
}
