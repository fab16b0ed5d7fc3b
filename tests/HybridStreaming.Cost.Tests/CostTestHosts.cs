using System.Text.Json;
using FluentAssertions;
using HybridStreaming.Contracts.Channels;
using HybridStreaming.Contracts.Cost;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Contracts.Relay;
using HybridStreaming.Cost.Api;
using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Cost.Api.Infrastructure;
using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Outbox;
using HybridStreaming.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// The Cost API's consumers on MassTransit's in-memory harness (<see cref="ConsumerHost{TDbContext}"/>),
/// on a fresh database of the test class, registered as <c>Extensions.AddApplicationServices</c> does:
/// the price table and cost model, <see cref="CostOptions"/>, <see cref="LedgerStore"/>,
/// <see cref="CostReports"/>, every consumer of the assembly and, when asked, the <see cref="LedgerProcessor"/>.
/// </summary>
public abstract class CostConsumersFixture(TestInfrastructure infrastructure, CostOptions options, bool ledgerProcessor) : IAsyncLifetime
{
    public ConsumerHost<CostsDbContext> Host { get; private set; } = null!;

    public CostOptions Options { get; } = options;

    public async ValueTask InitializeAsync() =>
        Host = await ConsumerHost<CostsDbContext>.StartAsync(
            await infrastructure.CreateDatabaseAsync("cost"),
            services =>
            {
                services.AddPriceTable(new ConfigurationBuilder().Build());
                services.AddSingleton(Options);
                services.AddScoped<LedgerStore>();
                services.AddScoped<CostReports>();
                if (ledgerProcessor)
                {
                    services.AddHostedService<LedgerProcessor>();
                }
            },
            bus => bus.AddConsumers(typeof(CostsDbContext).Assembly));

    public ValueTask DisposeAsync() => Host.DisposeAsync();

    /// <summary>Publishes one fact (under <paramref name="messageId"/>, else a new id) and waits until it was handled.</summary>
    public Task<Guid> ConsumeAsync(object fact, Guid? messageId = null) => fact switch
    {
        StreamStartRequested m => Host.ConsumeAsync(m, messageId),
        StreamEnded m => Host.ConsumeAsync(m, messageId),
        ViewerUsageReported m => Host.ConsumeAsync(m, messageId),
        RecordingStopped m => Host.ConsumeAsync(m, messageId),
        RelayStopped m => Host.ConsumeAsync(m, messageId),
        _ => throw new ArgumentException($"{fact.GetType().Name} is not a fact of the ledger.", nameof(fact)),
    };

    public Task<SessionLedger?> SessionAsync(Guid sessionId) =>
        Host.WithDbAsync(db => db.Sessions.AsNoTracking().SingleOrDefaultAsync(s => s.SessionId == sessionId, TestContext.Current.CancellationToken));

    public Task<List<LedgerLine>> LinesAsync(Guid sessionId) =>
        Host.WithDbAsync(db => db.Lines.AsNoTracking().Where(l => l.SessionId == sessionId)
            .OrderBy(l => l.Revision).ThenBy(l => l.Basis).ThenBy(l => l.Item).ToListAsync(TestContext.Current.CancellationToken));

    /// <summary>The <see cref="SessionCostRecorded"/> events the session's ledger left in the outbox, in order.</summary>
    public async Task<List<SessionCostRecorded>> RecordedEventsAsync(Guid sessionId)
    {
        var rows = await Host.WithDbAsync(db => db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.AggregateId == sessionId).OrderBy(m => m.SequenceNumber).ToListAsync(TestContext.Current.CancellationToken));
        rows.Where(m => m.MessageType != OutboxMessageTypes.NameOf(typeof(SessionCostRecorded))).Should().BeEmpty("the ledger raises no other event");
        return [.. rows.Select(m => JsonSerializer.Deserialize<SessionCostRecorded>(m.Body, MessagingJson.Options)!)];
    }
}

/// <summary>The ledger's default deadline (10 minutes: never reached in a test) and no processor.</summary>
public sealed class LedgerConsumersFixture(TestInfrastructure infrastructure)
    : CostConsumersFixture(infrastructure, new CostOptions(), ledgerProcessor: false);

/// <summary>A one-second deadline and the processor that writes ledgers when it passes.</summary>
public sealed class LedgerDeadlineFixture(TestInfrastructure infrastructure)
    : CostConsumersFixture(infrastructure, new CostOptions { LedgerDeadline = TimeSpan.FromSeconds(1) }, ledgerProcessor: true);
