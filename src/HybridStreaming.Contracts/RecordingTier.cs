using System.Text.Json.Serialization;

namespace HybridStreaming.Contracts;

/// <summary>Agora's billing tier of a recording, by aggregate resolution (agora.md §6).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecordingTier>))]
public enum RecordingTier
{
    [JsonStringEnumMemberName("audio")]
    Audio,

    [JsonStringEnumMemberName("hd")]
    Hd,

    [JsonStringEnumMemberName("full-hd")]
    FullHd,

    [JsonStringEnumMemberName("2k")]
    TwoK,

    [JsonStringEnumMemberName("2k-plus")]
    TwoKPlus,
}
