using System.Data.Common;
using HybridStreaming.Cost.Api.Application;
using HybridStreaming.Cost.Api.Domain;
using HybridStreaming.Cost.Api.Infrastructure;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging.Outbox;
using HybridStreaming.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace HybridStreaming.Cost.Tests;

/// <summary>
/// A fresh, migrated Cost database of the test class without a bus: sessions are written through
/// <see cref="LedgerStore"/> (what the consumers call) and read through <see cref="CostReports"/>.
/// </summary>
public sealed class CostDatabase(TestInfrastructure infrastructure) : IAsyncLifetime
{
    public static readonly CostModel Model = new(PriceTable.Default);
    public static readonly CostOptions Options = new();

    private DbContextOptions<CostsDbContext> _options = null!;

    public string ConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await infrastructure.CreateDatabaseAsync("cost");
        _options = Configure(new DbContextOptionsBuilder<CostsDbContext>()).Options;
        await using var db = NewContext();
        await db.Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Options as the service builds them (snake_case, the outbox interceptor), plus <paramref name="interceptors"/>.</summary>
    public DbContextOptions<CostsDbContext> OptionsWith(params IInterceptor[] interceptors) =>
        Configure(new DbContextOptionsBuilder<CostsDbContext>()).AddInterceptors(interceptors).Options;

    public CostsDbContext NewContext(DbContextOptions<CostsDbContext>? options = null) => new(options ?? _options);

    /// <summary>Hands the session's facts (all, or those <paramref name="which"/> selects) to the ledger, one transaction each.</summary>
    public async Task TakeAsync(SessionFacts session, Func<object, bool>? which = null, TimeProvider? clock = null)
    {
        await using var db = NewContext();
        var store = new LedgerStore(db, Model, Options, clock ?? TimeProvider.System, NullLogger<LedgerStore>.Instance);
        foreach (var message in session.Events.Where(which ?? (_ => true)))
        {
            var (fact, take) = SessionFacts.TakeOf(message, Options.LedgerDeadline);
            await store.TakeAsync(session.SessionId, session.ChannelId, fact, take, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>What the processor does when the session's deadline has passed.</summary>
    public async Task RecordAtDeadlineAsync(Guid sessionId, TimeProvider clock)
    {
        await using var db = NewContext();
        var store = new LedgerStore(db, Model, Options, clock, NullLogger<LedgerStore>.Instance);
        await store.RecordAtDeadlineAsync(sessionId, TestContext.Current.CancellationToken);
    }

    private DbContextOptionsBuilder<CostsDbContext> Configure(DbContextOptionsBuilder<CostsDbContext> builder)
    {
        builder.UseServiceDatabase(ConnectionString);
        builder.AddInterceptors(new IntegrationEventsInterceptor(TimeProvider.System));
        return builder;
    }
}

/// <summary>Counts the SQL commands a DbContext sends (queries, scalars and statements).</summary>
public sealed class CommandCounter : DbCommandInterceptor
{
    private int _count;

    public int Count => _count;

    public void Reset() => Interlocked.Exchange(ref _count, 0);

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Interlocked.Increment(ref _count);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _count);
        return ValueTask.FromResult(result);
    }
}
