using System.Diagnostics;
using HybridStreaming.Messaging.Database;
using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HybridStreaming.Workers.Tests;

/// <summary>
/// A worker's consumers on MassTransit's in-memory test harness, with the worker's database on real
/// Postgres (migrated as at start-up) and MassTransit's activities recorded, as an exporter would: a
/// message published in a trace reaches its consumer in that trace, as it does through RabbitMQ.
/// </summary>
public sealed class ConsumerHost<TDbContext> : IAsyncDisposable
    where TDbContext : DbContext
{
    private const string OriginName = "HybridStreaming.Workers.Tests";

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

    /// <param name="services">The worker's options the consumers need.</param>
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
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:workerdb"] = databaseConnectionString });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddServiceDatabase<TDbContext>("workerdb");
        services(builder.Services);
        builder.Services.AddMassTransitTestHarness(bus =>
        {
            // A first message waits for the JIT and EF Core's model on a busy machine: the harness's
            // default inactivity timeout (seconds) would give up on it.
            bus.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(60), testInactivityTimeout: TimeSpan.FromSeconds(30));
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
        using (Origin.StartActivity("request", ActivityKind.Server, parent))
        {
            await Harness.Bus.Publish(message, TestContext.Current.CancellationToken);
        }

        var consumed = await Harness.Consumed.Any<TMessage>(received => received.Context.Message.Equals(message), TestContext.Current.CancellationToken);
        if (!consumed)
        {
            throw new TimeoutException($"{typeof(TMessage).Name} was not consumed.");
        }

        var fault = Harness.Consumed.Select<TMessage>(received => received.Context.Message.Equals(message)).First().Exception;
        if (fault is not null)
        {
            throw new InvalidOperationException($"The consumer of {typeof(TMessage).Name} failed.", fault);
        }
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
}
