using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace HybridStreaming.Testing;

/// <summary>
/// Listens on the topology's RabbitMQ for one integration event type, as any consumer would: a queue of
/// its own bound to the type's publish exchange (MassTransit's <c>Namespace:Type</c> fanout). Collects
/// each message's <c>message</c> body, so a test can see what another service would receive.
/// </summary>
public sealed class EventTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<JsonElement> _received = new();

    private EventTap(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyCollection<JsonElement> Received => _received;

    public static async Task<EventTap> StartAsync(string amqpUri, Type eventType)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync("test-event-tap");
        var channel = await connection.CreateChannelAsync();
        var exchange = $"{eventType.Namespace}:{eventType.Name}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = await channel.QueueDeclareAsync(queue: "", durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(queue.QueueName, exchange, routingKey: "");
        var tap = new EventTap(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            if (envelope.RootElement.TryGetProperty("message", out var message))
            {
                tap._received.Enqueue(message.Clone());
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return tap;
    }

    /// <summary>The messages whose <c>sessionId</c> is <paramref name="sessionId"/>.</summary>
    public IReadOnlyList<JsonElement> ForSession(Guid sessionId) =>
        [.. _received.Where(m => m.TryGetProperty("sessionId", out var id) && id.GetGuid() == sessionId)];

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
