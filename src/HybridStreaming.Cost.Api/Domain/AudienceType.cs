using System.Text.Json.Serialization;

namespace HybridStreaming.Cost.Api.Domain;

/// <summary>How an Agora-only audience joins, which sets its per-minute price.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AudienceType>))]
public enum AudienceType
{
    /// <summary>Interactive live streaming: the level the watch page joins at (the default).</summary>
    [JsonStringEnumMemberName("interactive")]
    Interactive,

    /// <summary>Broadcast streaming: cheaper, higher latency.</summary>
    [JsonStringEnumMemberName("broadcast")]
    Broadcast,
}
