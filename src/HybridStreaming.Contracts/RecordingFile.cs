using System.Text.Json.Serialization;

namespace HybridStreaming.Contracts;

/// <summary>A file Cloud Recording wrote to storage.</summary>
public sealed record RecordingFile(string FileName, RecordingFileKind Kind, long? SizeBytes);

[JsonConverter(typeof(JsonStringEnumConverter<RecordingFileKind>))]
public enum RecordingFileKind
{
    [JsonStringEnumMemberName("hls")]
    Hls,

    [JsonStringEnumMemberName("mp4")]
    Mp4,
}
