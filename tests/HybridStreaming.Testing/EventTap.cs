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
    private readonly ConcurrentQueue<JsonElement> _envelopes = new();

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
                tap._envelopes.Enqueue(envelope.RootElement.Clone());
            }

            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return tap;
    }

    /// <summary>The messages whose <c>sessionId</c> is <paramref name="sessionId"/>.</summary>
    public IReadOnlyList<JsonElement> ForSession(Guid sessionId) =>
        [.. _received.Where(m => m.TryGetProperty("sessionId", out var id) && id.GetGuid() == sessionId)];

    /// <summary>The whole MassTransit envelopes (<c>messageId</c>, <c>messageType</c>, headers, <c>message</c>) of <paramref name="sessionId"/>'s messages.</summary>
    public IReadOnlyList<JsonElement> EnvelopesForSession(Guid sessionId) =>
        [.. _envelopes.Where(e => e.GetProperty("message").TryGetProperty("sessionId", out var id) && id.GetGuid() == sessionId)];

    /// <summary>
    /// Sends <paramref name="envelope"/> again under <paramref name="messageId"/> to the exchange
    /// <paramref name="exchange"/> — a consumer's own queue exchange (e.g. <c>cost-stream-ended</c>) to reach
    /// that consumer alone — as a redelivery (same id) or the same fact republished (a new id) would arrive.
    /// </summary>
    public async Task SendAsync(string exchange, JsonElement envelope, Guid messageId)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(WithMessageId(envelope, messageId));
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json",
            MessageId = messageId.ToString(),
            Persistent = true,
        };
        await _channel.BasicPublishAsync(exchange, routingKey: "", mandatory: false, properties, body);
    }

    private static Dictionary<string, JsonElement> WithMessageId(JsonElement envelope, Guid messageId)
    {
        var fields = envelope.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        fields["messageId"] = JsonSerializer.SerializeToElement(messageId.ToString());
        return fields;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
