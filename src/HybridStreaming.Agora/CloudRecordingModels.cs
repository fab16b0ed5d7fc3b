using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridStreaming.Agora;

// Wire records of Cloud Recording (agora.md §2.3–2.4). JSON names are spelled out on every member so
// they read exactly as Agora documents them; null members are not sent.

public sealed record AcquireRequest(
    [property: JsonPropertyName("cname")] string Cname,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("clientRequest")] AcquireClientRequest ClientRequest);

public sealed record AcquireClientRequest
{
    /// <summary>0 = RTC recording, 1 = web-page recording.</summary>
    [JsonPropertyName("scene")] public int Scene { get; init; }

    /// <summary>Hours query/update/stop stay usable after start (1–720, Agora's default 72).</summary>
    [JsonPropertyName("resourceExpiredHour")] public int ResourceExpiredHour { get; init; } = 24;

    /// <summary>"CN" | "AP" | "EU" | "NA"; must match the storage region.</summary>
    [JsonPropertyName("region")] public string? Region { get; init; }

    [JsonPropertyName("excludeResourceIds")] public IReadOnlyList<string>? ExcludeResourceIds { get; init; }

    /// <summary>Copy of start's clientRequest, if given at acquire (must then be consistent).</summary>
    [JsonPropertyName("startParameter")] public StartClientRequest? StartParameter { get; init; }
}

public sealed record AcquireResponse(
    [property: JsonPropertyName("cname")] string? Cname,
    [property: JsonPropertyName("uid")] string? Uid,
    [property: JsonPropertyName("resourceId")] string ResourceId);

public sealed record StartRequest(
    [property: JsonPropertyName("cname")] string Cname,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("clientRequest")] StartClientRequest ClientRequest);

public sealed record StartClientRequest
{
    /// <summary>AccessToken2 of the recorder (secret: masked in <see cref="ToString"/>).</summary>
    [JsonPropertyName("token")] public string? Token { get; init; }

    [JsonPropertyName("recordingConfig")] public RecordingConfig? RecordingConfig { get; init; }

    [JsonPropertyName("recordingFileConfig")] public RecordingFileConfig? RecordingFileConfig { get; init; }

    [JsonPropertyName("storageConfig")] public StorageConfig? StorageConfig { get; init; }

    /// <summary>Web mode only (<c>web_recorder_service</c>, <c>rtmp_publish_service</c>), passed as given.</summary>
    [JsonPropertyName("extensionServiceConfig")] public JsonElement? ExtensionServiceConfig { get; init; }

    public override string ToString() =>
        $"StartClientRequest {{ Token = {AgoraOptions.Mask(Token)}, RecordingConfig = {RecordingConfig}, " +
        $"RecordingFileConfig = {RecordingFileConfig}, StorageConfig = {StorageConfig} }}";
}

public sealed record RecordingConfig
{
    /// <summary>0 communication, 1 live broadcast (must match the SDK's profile).</summary>
    [JsonPropertyName("channelType")] public int ChannelType { get; init; } = 1;

    /// <summary>0 audio, 1 video, 2 both.</summary>
    [JsonPropertyName("streamTypes")] public int StreamTypes { get; init; } = 2;

    /// <summary>Seconds without a host before the recorder leaves (5 … 2 592 000).</summary>
    [JsonPropertyName("maxIdleTime")] public int MaxIdleTime { get; init; } = 30;

    /// <summary>0 high stream, 1 low stream.</summary>
    [JsonPropertyName("videoStreamType")] public int? VideoStreamType { get; init; }

    [JsonPropertyName("subscribeAudioUids")] public IReadOnlyList<string>? SubscribeAudioUids { get; init; }

    [JsonPropertyName("subscribeVideoUids")] public IReadOnlyList<string>? SubscribeVideoUids { get; init; }

    [JsonPropertyName("unsubscribeAudioUids")] public IReadOnlyList<string>? UnsubscribeAudioUids { get; init; }

    [JsonPropertyName("unsubscribeVideoUids")] public IReadOnlyList<string>? UnsubscribeVideoUids { get; init; }

    /// <summary>Individual mode: 0 = 1–2 uids … 5 = 33–49.</summary>
    [JsonPropertyName("subscribeUidGroup")] public int? SubscribeUidGroup { get; init; }

    /// <summary>Individual mode: default | standard | original.</summary>
    [JsonPropertyName("streamMode")] public string? StreamMode { get; init; }

    /// <summary>Mix mode: 0 mono ~48 kbps, 1 mono ~128, 2 stereo ~192.</summary>
    [JsonPropertyName("audioProfile")] public int? AudioProfile { get; init; }

    [JsonPropertyName("transcodingConfig")] public TranscodingConfig? TranscodingConfig { get; init; }
}

public sealed record TranscodingConfig
{
    [JsonPropertyName("width")] public int Width { get; init; } = 360;

    [JsonPropertyName("height")] public int Height { get; init; } = 640;

    [JsonPropertyName("fps")] public int Fps { get; init; } = 15;

    /// <summary>kbps.</summary>
    [JsonPropertyName("bitrate")] public int Bitrate { get; init; } = 500;

    /// <summary>0 floating, 1 best fit (adaptive), 2 vertical (+ maxResolutionUid), 3 custom.</summary>
    [JsonPropertyName("mixedVideoLayout")] public int MixedVideoLayout { get; init; } = 1;

    [JsonPropertyName("maxResolutionUid")] public string? MaxResolutionUid { get; init; }

    [JsonPropertyName("backgroundColor")] public string? BackgroundColor { get; init; }
}

public sealed record RecordingFileConfig
{
    /// <summary><c>["hls"]</c> or, for MP4 in mix/web mode, <c>["hls","mp4"]</c> (<c>["mp4"]</c> alone is refused).</summary>
    [JsonPropertyName("avFileType")] public IReadOnlyList<string> AvFileType { get; init; } = ["hls"];

    public override string ToString() => $"RecordingFileConfig {{ AvFileType = [{string.Join(", ", AvFileType)}] }}";
}

public sealed record StorageConfig
{
    /// <summary>1 Amazon S3, 2 Alibaba, 3 Tencent, 5 Azure, 6 Google Cloud, 7 Huawei, 8 Baidu, 11 S3-compatible.</summary>
    [JsonPropertyName("vendor")] public int Vendor { get; init; }

    /// <summary>Vendor-specific region number.</summary>
    [JsonPropertyName("region")] public int Region { get; init; }

    [JsonPropertyName("bucket")] public required string Bucket { get; init; }

    [JsonPropertyName("accessKey")] public required string AccessKey { get; init; }

    [JsonPropertyName("secretKey")] public required string SecretKey { get; init; }

    /// <summary>Folder segments (alphanumeric, ≤128 characters in all).</summary>
    [JsonPropertyName("fileNamePrefix")] public IReadOnlyList<string>? FileNamePrefix { get; init; }

    [JsonPropertyName("extensionParams")] public StorageExtensionParams? ExtensionParams { get; init; }

    public override string ToString() =>
        $"StorageConfig {{ Vendor = {Vendor}, Region = {Region}, Bucket = {Bucket}, AccessKey = {AgoraOptions.Mask(AccessKey)}, " +
        $"SecretKey = {AgoraOptions.Mask(SecretKey)}, FileNamePrefix = [{string.Join(", ", FileNamePrefix ?? [])}], ExtensionParams = {ExtensionParams} }}";
}

public sealed record StorageExtensionParams
{
    /// <summary>Endpoint of S3-compatible storage (vendor 11).</summary>
    [JsonPropertyName("endpoint")] public string? Endpoint { get; init; }

    /// <summary>kms | aes256.</summary>
    [JsonPropertyName("sse")] public string? Sse { get; init; }

    [JsonPropertyName("tag")] public string? Tag { get; init; }
}

public sealed record StartResponse(
    [property: JsonPropertyName("cname")] string? Cname,
    [property: JsonPropertyName("uid")] string? Uid,
    [property: JsonPropertyName("resourceId")] string ResourceId,
    [property: JsonPropertyName("sid")] string Sid);

public sealed record StopRequest(
    [property: JsonPropertyName("cname")] string Cname,
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("clientRequest")] StopClientRequest ClientRequest);

/// <summary><c>async_stop</c> false: wait for the upload (≤20 s, else code 50); true: return at once.</summary>
public sealed record StopClientRequest(
    [property: JsonPropertyName("async_stop")] bool AsyncStop);

/// <summary>Answer of <c>query</c> and <c>stop</c>.</summary>
public sealed record CloudRecordingStatus(
    [property: JsonPropertyName("cname")] string? Cname,
    [property: JsonPropertyName("uid")] string? Uid,
    [property: JsonPropertyName("resourceId")] string ResourceId,
    [property: JsonPropertyName("sid")] string Sid,
    [property: JsonPropertyName("serverResponse")] CloudRecordingServerResponse? ServerResponse);

public sealed record CloudRecordingServerResponse
{
    /// <summary>Query: the task's state.</summary>
    [JsonPropertyName("status")] public CloudRecordingState? Status { get; init; }

    /// <summary>"string" (mix + hls: the m3u8 name) or "json" (a list of files).</summary>
    [JsonPropertyName("fileListMode")] public string? FileListMode { get; init; }

    /// <summary>A string or an array, depending on <see cref="FileListMode"/>; read it through <see cref="Files"/>.</summary>
    [JsonPropertyName("fileList")] public JsonElement? FileList { get; init; }

    [JsonPropertyName("sliceStartTime")] public long? SliceStartTime { get; init; }

    /// <summary>Stop: uploaded | backuped | unknown.</summary>
    [JsonPropertyName("uploadingStatus")] public string? UploadingStatus { get; init; }

    [JsonPropertyName("extensionServiceState")] public JsonElement? ExtensionServiceState { get; init; }

    /// <summary>The files, whichever form <c>fileList</c> took.</summary>
    [JsonIgnore]
    public IReadOnlyList<RecordingFileInfo> Files => FileList switch
    {
        { ValueKind: JsonValueKind.String } single when single.GetString() is { Length: > 0 } name => [new RecordingFileInfo { FileName = name }],
        { ValueKind: JsonValueKind.Array } list => list.Deserialize(AgoraJsonContext.Default.IReadOnlyListRecordingFileInfo) ?? [],
        _ => [],
    };
}

public sealed record RecordingFileInfo
{
    [JsonPropertyName("fileName")] public string FileName { get; init; } = "";

    /// <summary>audio | video | audio_and_video.</summary>
    [JsonPropertyName("trackType")] public string? TrackType { get; init; }

    /// <summary>"0" in mix mode.</summary>
    [JsonPropertyName("uid")] public string? Uid { get; init; }

    [JsonPropertyName("mixedAllUser")] public bool? MixedAllUser { get; init; }

    [JsonPropertyName("isPlayable")] public bool? IsPlayable { get; init; }

    [JsonPropertyName("sliceStartTime")] public long? SliceStartTime { get; init; }
}

/// <summary><c>serverResponse.status</c> of <c>query</c> (agora.md §2.4).</summary>
public enum CloudRecordingState
{
    NotStarted = 0,
    Initializing = 1,
    Starting = 2,
    PartlyReady = 3,
    Ready = 4,
    InProgress = 5,
    StopRequested = 6,
    Stopped = 7,
    Exited = 8,
    ExitedAbnormally = 20,
}
