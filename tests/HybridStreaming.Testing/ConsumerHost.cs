using System.Collections.Concurrent;
using System.Diagnostics;
using HybridStreaming.Messaging;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Messaging.Inbox;
using HybridStreaming.ServiceDefaults;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HybridStreaming.Testing;

/// <summary>
/// A service's consumers on MassTransit's in-memory test harness, with the service's database on real
/// Postgres (migrated as at start-up), the inbox in front of every consumer as <c>AddMessaging</c> puts
/// it, and MassTransit's activities recorded, as an exporter would: a message published in a trace
/// reaches its consumer in that trace, as it does through RabbitMQ. No outbox relay runs: events the
/// consumers write stay in <c>outbox_messages</c> for the tests to read.
/// </summary>
public sealed class ConsumerHost<TDbContext> : IAsyncDisposable
    where TDbContext : DbContext
{
    private const string OriginName = "HybridStreaming.Testing.ConsumerHost";

    /// <summary>The first hop of the tests' traces (the Channel API's request, in production).</summary>
    private static readonly ActivitySource Origin = new(OriginName);

    private readonly IHost _host;
    private readonly ActivityListener _listener;

    private ConsumerHost(IHost host, ActivityListener listener)
    {
        _host = host;
        _listener = listener;
    }

    private ITestHarness Harness => _host.Services.GetRequiredService<ITestHarness>();

    /// <param name="services">The service's own registrations the consumers need (options, stores, hosted processors).</param>
    public static async Task<ConsumerHost<TDbContext>> StartAsync(
        string databaseConnectionString, Action<IServiceCollection> services, Action<IBusRegistrationConfigurator> consumers)
    {
        var listener = new ActivityListener
        {
            // By name: the source may be created after the listener, while its field is still unset.
            ShouldListenTo = source => source.Name is "MassTransit" or OriginName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:servicedb"] = databaseConnectionString });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServiceDatabase<TDbContext>("servicedb");
        builder.Services.Add(InboxStoreOf<TDbContext>());
        builder.Services.AddSingleton<DeliveryLog>();
        services(builder.Services);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            // A first message waits for the JIT and EF Core's model on a busy machine: the harness's
            // default inactivity timeout (seconds) would give up on it.
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(30));
            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                // Outermost: sees every delivery end, also one the inbox stops (no consumer runs, so the
                // harness's Consumed list never hears of it).
                endpoint.UseConsumeFilter(typeof(DeliveryRecorder<>), context);
                // As AddMessaging does: every consumer runs in the inbox's transaction, and a message id
                // it has recorded is not consumed again.
                endpoint.UseConsumeFilter(typeof(InboxFilter<>), context);
                // Innermost: counts the deliveries the inbox let through to the consumer.
                endpoint.UseConsumeFilter(typeof(InboxPassRecorder<>), context);
            });
            consumers(bus);
        });

        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new ConsumerHost<TDbContext>(host, listener);
    }

    /// <summary>Publishes <paramref name="message"/> in the trace <paramref name="trace"/> and waits until it was consumed without a fault.</summary>
    public async Task ConsumeInTraceAsync<TMessage>(TMessage message, ActivityTraceId trace)
        where TMessage : class
    {
        var parent = new ActivityContext(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var messageId = NewId.NextGuid();
        int before;
        using (Origin.StartActivity("request", ActivityKind.Server, parent))
        {
            before = await PublishAsync(message, messageId);
        }

        await WaitHandledAsync<TMessage>(messageId, before);
    }

    /// <summary>
    /// Publishes <paramref name="message"/> under <paramref name="messageId"/> (a new one when null) and
    /// waits until this delivery was handled without a fault — by its consumer, or stopped by the inbox
    /// when the id was consumed before. Returns the message id.
    /// </summary>
    public async Task<Guid> ConsumeAsync<TMessage>(TMessage message, Guid? messageId = null)
        where TMessage : class
    {
        var id = messageId ?? NewId.NextGuid();
        await WaitHandledAsync<TMessage>(id, await PublishAsync(message, id));
        return id;
    }

    public async Task<T> WithDbAsync<T>(Func<TDbContext, Task<T>> work)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TDbContext>());
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
        _listener.Dispose();
    }

    /// <summary>How many deliveries of <paramref name="messageId"/> the endpoints have finished handling (consumed, stopped by the inbox, or failed).</summary>
    public int DeliveriesOf(Guid messageId) => Log.Of(messageId).Count;

    /// <summary>
    /// How many deliveries of <paramref name="messageId"/> the inbox let through to their consumer. (The
    /// harness's own lists cannot tell: they keep one entry per message id.)
    /// </summary>
    public int ConsumerRunsOf(Guid messageId) => Log.PassesOf(messageId);

    private DeliveryLog Log => _host.Services.GetRequiredService<DeliveryLog>();

    /// <returns>How many deliveries of <paramref name="messageId"/> had been handled before.</returns>
    private async Task<int> PublishAsync<TMessage>(TMessage message, Guid messageId)
        where TMessage : class
    {
        var before = DeliveriesOf(messageId);
        await Harness.Bus.Publish(message, context => context.MessageId = messageId, TestContext.Current.CancellationToken);
        return before;
    }

    private async Task WaitHandledAsync<TMessage>(Guid messageId, int before)
        where TMessage : class
    {
        var deliveries = await Eventually.ValueAsync(
            () => Task.FromResult(Log.Of(messageId)), list => list.Count > before, TimeSpan.FromSeconds(60),
            $"{typeof(TMessage).Name} {messageId} to be handled", TimeSpan.FromMilliseconds(10));
        if (deliveries[^1] is { } fault)
        {
            throw new InvalidOperationException($"The consumer of {typeof(TMessage).Name} failed.", fault);
        }
    }

    /// <summary>
    /// The inbox store exactly as <c>AddMessaging</c> registers it for <typeparamref name="TContext"/> (the
    /// type is the messaging library's own), taken from a throwaway registration that never starts.
    /// </summary>
    private static ServiceDescriptor InboxStoreOf<TContext>()
        where TContext : DbContext
    {
        var scratch = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        scratch.Configuration[$"ConnectionStrings:{KnownResources.RabbitMq}"] = "amqp://guest:guest@localhost:5672/";
        scratch.AddMessaging<TContext>("inbox-probe");
        return scratch.Services.Single(service => service.ServiceType == typeof(IInboxStore));
    }
}

/// <summary>
/// The outcome of every delivery the host's endpoints handled, by message id (null, or the fault), and how
/// many got past the inbox.
/// </summary>
internal sealed class DeliveryLog
{
    private readonly ConcurrentDictionary<Guid, List<Exception?>> _deliveries = new();
    private readonly ConcurrentDictionary<Guid, int> _passes = new();

    public void Passed(Guid messageId) => _passes.AddOrUpdate(messageId, 1, (_, count) => count + 1);

    public int PassesOf(Guid messageId) => _passes.GetValueOrDefault(messageId);

    public void Add(Guid messageId, Exception? fault)
    {
        var list = _deliveries.GetOrAdd(messageId, _ => []);
        lock (list)
        {
            list.Add(fault);
        }
    }

    public List<Exception?> Of(Guid messageId)
    {
        if (!_deliveries.TryGetValue(messageId, out var list))
        {
            return [];
        }

        lock (list)
        {
            return [.. list];
        }
    }
}

/// <summary>Records in the <see cref="DeliveryLog"/> when a delivery's consume pipe (inbox and consumer) has finished.</summary>
internal sealed class DeliveryRecorder<TMessage>(DeliveryLog log) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public async Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        try
        {
            await next.Send(context);
        }
        catch (Exception exception)
        {
            Record(context, exception);
            throw;
        }

        Record(context, null);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("delivery-recorder");

    private void Record(ConsumeContext<TMessage> context, Exception? fault)
    {
        if (context.MessageId is { } messageId)
        {
            log.Add(messageId, fault);
        }
    }
}

/// <summary>Records in the <see cref="DeliveryLog"/> that a delivery got past the inbox, on its way to the consumer.</summary>
internal sealed class InboxPassRecorder<TMessage>(DeliveryLog log) : IFilter<ConsumeContext<TMessage>>
    where TMessage : class
{
    public Task Send(ConsumeContext<TMessage> context, IPipe<ConsumeContext<TMessage>> next)
    {
        if (context.MessageId is { } messageId)
        {
            log.Passed(messageId);
        }

        return next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("inbox-pass-recorder");
}
