using System.Text.Json;

namespace HybridStreaming.Messaging;

/// <summary>
/// The JSON shape of integration events, shared by the outbox (what is stored) and MassTransit (what
/// goes on the wire): camelCase properties, enums as the kebab-case strings the contracts declare.
/// </summary>
public static class MessagingJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.PropertyNameCaseInsensitive = true;
        return options;
    }
}
