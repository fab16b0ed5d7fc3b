using System.Text.Json.Serialization;

namespace HybridStreaming.Contracts;

/// <summary>How buyers are served: over HLS from the CDN (hybrid) or from Agora alone.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StreamMode>))]
public enum StreamMode
{
    [JsonStringEnumMemberName("hybrid")]
    Hybrid,

    [JsonStringEnumMemberName("agora-only")]
    AgoraOnly,
}
