using System.Text.Json.Serialization;

namespace HybridStreaming.Agora;

/// <summary>Source-generated (de)serialisation of every Agora wire record; nulls are left out of requests.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AcquireRequest))]
[JsonSerializable(typeof(AcquireResponse))]
[JsonSerializable(typeof(StartRequest))]
[JsonSerializable(typeof(StartResponse))]
[JsonSerializable(typeof(StopRequest))]
[JsonSerializable(typeof(CloudRecordingStatus))]
[JsonSerializable(typeof(IReadOnlyList<RecordingFileInfo>))]
[JsonSerializable(typeof(CreateConverterRequest))]
[JsonSerializable(typeof(ConverterEnvelope))]
[JsonSerializable(typeof(ConverterListResponse))]
internal sealed partial class AgoraJsonContext : JsonSerializerContext;
