using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridStreaming.Cloudflare;

/// <summary>Source-generated (de)serialisation of every Cloudflare wire record; nulls are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<CloudflareError>))]
[JsonSerializable(typeof(LiveInputRequest))]
[JsonSerializable(typeof(LiveInput))]
[JsonSerializable(typeof(LiveInputList))]
[JsonSerializable(typeof(LiveInputOutputRequest))]
[JsonSerializable(typeof(LiveInputOutputUpdate))]
[JsonSerializable(typeof(LiveInputOutput))]
[JsonSerializable(typeof(IReadOnlyList<LiveInputOutput>))]
[JsonSerializable(typeof(StreamVideo))]
[JsonSerializable(typeof(IReadOnlyList<StreamVideo>))]
[JsonSerializable(typeof(StreamWebhookRequest))]
[JsonSerializable(typeof(StreamWebhook))]
[JsonSerializable(typeof(LiveInputNotification))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CloudflareJsonContext : JsonSerializerContext;
