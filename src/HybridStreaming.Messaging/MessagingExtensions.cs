using HybridStreaming.Messaging.Inbox;
using HybridStreaming.Messaging.Outbox;
using HybridStreaming.ServiceDefaults;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace HybridStreaming.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit on RabbitMQ (<c>ConnectionStrings__rabbitmq</c>, an <c>amqp://</c> URI), configured the
    /// same way in every service: kebab-case queues prefixed with <paramref name="serviceName"/> (so two
    /// services consuming one event each get a copy, and replicas of one service compete), retry with
    /// exponential backoff, the inbox in front of every consumer, and the outbox relay for
    /// <typeparamref name="TDbContext"/>. Call <c>AddServiceDatabase&lt;TDbContext&gt;</c> first.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging<TDbContext>(
        this IHostApplicationBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
        where TDbContext : DbContext
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(KnownResources.RabbitMq);
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var brokerAddress)
            || brokerAddress.Scheme is not ("amqp" or "amqps"))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings__{KnownResources.RabbitMq} must be an amqp:// or amqps:// URI (amqp://user:password@host:port/vhost).");
        }

        var retry = builder.Configuration.GetSection("Messaging:Retry").Get<RetryOptions>() ?? new RetryOptions();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration("Messaging:Outbox");
        builder.Services.AddOptions<InboxOptions>().BindConfiguration("Messaging:Inbox");
        builder.Services.AddScoped<IInboxStore, InboxStore<TDbContext>>();
        builder.Services.AddHostedService<OutboxRelay<TDbContext>>();
        builder.Services.AddHostedService<InboxCleanup<TDbContext>>();
        builder.Services.AddHostedService<OutboxBacklog<TDbContext>>();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName, includeNamespace: false));
            configureConsumers?.Invoke(bus);

            // MassTransit 8.4+ reports anonymous usage to its vendor a while after start: our services
            // make no outbound calls an operator did not configure (and locked-down hosts log the failure).
            bus.ConfigureUsageTelemetryOptions(telemetry => telemetry.Enabled = false);

            bus.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                // In-process retries with growing pauses absorb short outages (a database failover, a
                // provider blip); what still fails lands in the queue's _error queue for an operator.
                // Consumers are short database transactions: let several run at once per endpoint.
                endpoint.PrefetchCount = Math.Max(endpoint.PrefetchCount, 32);
                endpoint.ConcurrentMessageLimit ??= 16;
                endpoint.UseMessageRetry(r => r.Exponential(
                    retry.Limit, retry.MinInterval, retry.MaxInterval, retry.IntervalDelta));
                endpoint.UseConsumeFilter(typeof(InboxFilter<>), context);
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(brokerAddress, host => host.ConnectionName(serviceName));
                rabbit.ConfigureJsonSerializerOptions(MessagingJson.Configure);
                rabbit.ConfigureEndpoints(context);
            });
        });

        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // Start serving (and reporting unhealthy) while the broker is unreachable; MassTransit keeps
            // reconnecting and the outbox keeps the events.
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });

        return builder;
    }

    private sealed class RetryOptions
    {
        public int Limit { get; set; } = 5;

        public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

        public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);

        public TimeSpan IntervalDelta { get; set; } = TimeSpan.FromMilliseconds(500);
    }
}
