using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridStreaming.Cloudflare;

// Wire records of Cloudflare Stream (cloudflare-stream.md §2–5). JSON names are spelled out on every
// member; null members are not sent. Credentials (stream keys, SRT passphrases, webhook secret) are
// masked in ToString.

/// <summary>Create/update body of a live input (all optional; update with PUT replaces the settings).</summary>
public sealed record LiveInputRequest
{
    /// <summary>Free key/value store; <c>meta.name</c> is the display name.</summary>
    [JsonPropertyName("meta")] public IReadOnlyDictionary<string, string>? Meta { get; init; }

    /// <summary>false rejects RTMPS/SRT connections and ends a running broadcast.</summary>
    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }

    [JsonPropertyName("defaultCreator")] public string? DefaultCreator { get; init; }

    /// <summary>At least 30 (docs: at most 1096).</summary>
    [JsonPropertyName("deleteRecordingAfterDays")] public int? DeleteRecordingAfterDays { get; init; }

    /// <summary>LL-HLS (beta); needs <c>recording.mode = "automatic"</c>.</summary>
    [JsonPropertyName("preferLowLatency")] public bool? PreferLowLatency { get; init; }

    [JsonPropertyName("recording")] public LiveInputRecording? Recording { get; init; }
}

public sealed record LiveInputRecording
{
    /// <summary>"off" (no HLS/DASH playback at all!) | "automatic".</summary>
    [JsonPropertyName("mode")] public string? Mode { get; init; }

    /// <summary>How long a disconnect may last before a new recording starts (0 = platform default).</summary>
    [JsonPropertyName("timeoutSeconds")] public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("requireSignedURLs")] public bool? RequireSignedUrls { get; init; }

    [JsonPropertyName("allowedOrigins")] public IReadOnlyList<string>? AllowedOrigins { get; init; }

    [JsonPropertyName("hideLiveViewerCount")] public bool? HideLiveViewerCount { get; init; }
}

/// <summary>A live input as Cloudflare returns it (list entries carry only uid, dates, meta, enabled, deleteRecordingAfterDays).</summary>
public sealed record LiveInput
{
    [JsonPropertyName("uid")] public required string Uid { get; init; }

    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("modified")] public DateTimeOffset? Modified { get; init; }

    [JsonPropertyName("meta")] public JsonElement? Meta { get; init; }

    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }

    [JsonPropertyName("deleteRecordingAfterDays")] public int? DeleteRecordingAfterDays { get; init; }

    [JsonPropertyName("preferLowLatency")] public bool? PreferLowLatency { get; init; }

    /// <summary>null (never connected), "connected", "reconnecting", … — read it through <see cref="State"/>.</summary>
    [JsonPropertyName("status")] public JsonElement? Status { get; init; }

    [JsonPropertyName("recording")] public LiveInputRecording? Recording { get; init; }

    /// <summary>RTMPS ingest. Use <c>Url</c> exactly as returned (the emulator returns rtmp://).</summary>
    [JsonPropertyName("rtmps")] public RtmpEndpoint? Rtmps { get; init; }

    [JsonPropertyName("rtmpsPlayback")] public RtmpEndpoint? RtmpsPlayback { get; init; }

    [JsonPropertyName("srt")] public SrtEndpoint? Srt { get; init; }

    [JsonPropertyName("srtPlayback")] public SrtEndpoint? SrtPlayback { get; init; }

    [JsonPropertyName("webRTC")] public WebRtcEndpoint? WebRtc { get; init; }

    [JsonPropertyName("webRTCPlayback")] public WebRtcEndpoint? WebRtcPlayback { get; init; }

    [JsonPropertyName("keysRotatedAt")] public DateTimeOffset? KeysRotatedAt { get; init; }

    /// <summary>
    /// The input's connection state: the string <c>status</c> (<c>connected</c>, <c>reconnecting</c>,
    /// <c>client_disconnect</c>, …), or <c>status.current.state</c> if Cloudflare sends an object; null
    /// when it never connected.
    /// </summary>
    [JsonIgnore]
    public string? State => Status switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Object } status when status.TryGetProperty("current", out var current)
            && current.ValueKind == JsonValueKind.Object && current.TryGetProperty("state", out var state)
            && state.ValueKind == JsonValueKind.String => state.GetString(),
        _ => null,
    };

    /// <summary>True when media is arriving (<see cref="State"/> is connected or reconnected).</summary>
    [JsonIgnore]
    public bool IsConnected => State is "connected" or "reconnected";

    /// <summary><c>meta.name</c>, if set.</summary>
    [JsonIgnore]
    public string? Name => Meta is { ValueKind: JsonValueKind.Object } meta && meta.TryGetProperty("name", out var name)
        && name.ValueKind == JsonValueKind.String ? name.GetString() : null;
}

/// <summary>RTMP(S) endpoint: <see cref="Url"/> + <see cref="StreamKey"/> (secret). The push URL is <see cref="PushUrl"/>.</summary>
public sealed record RtmpEndpoint(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("streamKey")] string? StreamKey)
{
    /// <summary>Where an RTMP client pushes: the URL as returned with the stream key appended (scheme untouched).</summary>
    [JsonIgnore]
    public string PushUrl => StreamKey is { Length: > 0 } key ? (Url.EndsWith('/') ? Url : Url + "/") + key : Url;

    public override string ToString() => $"RtmpEndpoint {{ Url = {Url}, StreamKey = {CloudflareStreamOptions.Mask(StreamKey)} }}";
}

public sealed record SrtEndpoint(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("streamId")] string? StreamId,
    [property: JsonPropertyName("passphrase")] string? Passphrase)
{
    public override string ToString() =>
        $"SrtEndpoint {{ Url = {Url}, StreamId = {CloudflareStreamOptions.Mask(StreamId)}, Passphrase = {CloudflareStreamOptions.Mask(Passphrase)} }}";
}

/// <summary>WHIP/WHEP URL (the publish URL embeds a secret, so it is masked in ToString).</summary>
public sealed record WebRtcEndpoint([property: JsonPropertyName("url")] string Url)
{
    public override string ToString() => "WebRtcEndpoint { Url = *** }";
}

/// <summary><c>GET /live_inputs</c> result: an object, not an array.</summary>
public sealed record LiveInputList(
    [property: JsonPropertyName("liveInputs")] IReadOnlyList<LiveInput> LiveInputs,
    [property: JsonPropertyName("range")] int? Range,
    [property: JsonPropertyName("total")] int? Total);

/// <summary>Simulcast output create body.</summary>
public sealed record LiveInputOutputRequest(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("streamKey")] string StreamKey,
    [property: JsonPropertyName("enabled")] bool? Enabled = null)
{
    public override string ToString() => $"LiveInputOutputRequest {{ Url = {Url}, StreamKey = ***, Enabled = {Enabled} }}";
}

public sealed record LiveInputOutputUpdate([property: JsonPropertyName("enabled")] bool Enabled);

public sealed record LiveInputOutput(
    [property: JsonPropertyName("uid")] string Uid,
    [property: JsonPropertyName("url")] string? Url,
    [property: JsonPropertyName("streamKey")] string? StreamKey,
    [property: JsonPropertyName("enabled")] bool? Enabled)
{
    public override string ToString() =>
        $"LiveInputOutput {{ Uid = {Uid}, Url = {Url}, StreamKey = {CloudflareStreamOptions.Mask(StreamKey)}, Enabled = {Enabled} }}";
}

/// <summary>A video (a live broadcast or its recording); also the body of the Stream webhook.</summary>
public sealed record StreamVideo
{
    [JsonPropertyName("uid")] public required string Uid { get; init; }

    [JsonPropertyName("liveInput")] public string? LiveInput { get; init; }

    [JsonPropertyName("status")] public StreamVideoStatus? Status { get; init; }

    [JsonPropertyName("readyToStream")] public bool? ReadyToStream { get; init; }

    [JsonPropertyName("playback")] public StreamPlayback? Playback { get; init; }

    [JsonPropertyName("preview")] public string? Preview { get; init; }

    [JsonPropertyName("thumbnail")] public string? Thumbnail { get; init; }

    /// <summary>Seconds (-1 while unknown, e.g. live).</summary>
    [JsonPropertyName("duration")] public double? Duration { get; init; }

    [JsonPropertyName("meta")] public JsonElement? Meta { get; init; }

    [JsonPropertyName("requireSignedURLs")] public bool? RequireSignedUrls { get; init; }

    [JsonPropertyName("allowedOrigins")] public IReadOnlyList<string>? AllowedOrigins { get; init; }

    [JsonPropertyName("scheduledDeletion")] public DateTimeOffset? ScheduledDeletion { get; init; }

    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }

    [JsonPropertyName("modified")] public DateTimeOffset? Modified { get; init; }

    /// <summary>True while this is the input's current broadcast (<c>status.state = live-inprogress</c>).</summary>
    [JsonIgnore]
    public bool IsLive => Status?.State == "live-inprogress";
}

public sealed record StreamVideoStatus
{
    /// <summary>pendingupload | downloading | queued | inprogress | ready | error | live-inprogress.</summary>
    [JsonPropertyName("state")] public string? State { get; init; }

    /// <summary>A number or a numeric string, as Cloudflare sends it.</summary>
    [JsonPropertyName("pctComplete")] public JsonElement? PctComplete { get; init; }

    [JsonPropertyName("errorReasonCode")] public string? ErrorReasonCode { get; init; }

    [JsonPropertyName("errorReasonText")] public string? ErrorReasonText { get; init; }
}

public sealed record StreamPlayback(
    [property: JsonPropertyName("hls")] string? Hls,
    [property: JsonPropertyName("dash")] string? Dash);

public sealed record StreamWebhookRequest([property: JsonPropertyName("notificationUrl")] string NotificationUrl);

/// <summary>The account's Stream webhook; <see cref="Secret"/> is the <c>Webhook-Signature</c> key.</summary>
public sealed record StreamWebhook
{
    [JsonPropertyName("notificationUrl")] public string? NotificationUrl { get; init; }

    [JsonPropertyName("modified")] public DateTimeOffset? Modified { get; init; }

    [JsonPropertyName("secret")] public string? Secret { get; init; }

    public override string ToString() =>
        $"StreamWebhook {{ NotificationUrl = {NotificationUrl}, Modified = {Modified}, Secret = {CloudflareStreamOptions.Mask(Secret)} }}";
}

// ---- Notifications (live input events), cloudflare-stream.md §5b ----

/// <summary>What happened to a live input.</summary>
public enum LiveInputEventKind
{
    Unknown,
    Connected,
    Disconnected,
    Errored,
}

/// <summary>A Cloudflare Notifications delivery of alert type <c>stream_live_notifications</c>.</summary>
public sealed record LiveInputNotification
{
    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("text")] public string? Text { get; init; }

    [JsonPropertyName("data")] public required LiveInputNotificationData Data { get; init; }

    /// <summary>Unix seconds of the delivery.</summary>
    [JsonPropertyName("ts")] public long? Ts { get; init; }

    [JsonIgnore]
    public LiveInputEventKind Kind => Data.EventType switch
    {
        "live_input.connected" => LiveInputEventKind.Connected,
        "live_input.disconnected" => LiveInputEventKind.Disconnected,
        "live_input.errored" => LiveInputEventKind.Errored,
        _ => LiveInputEventKind.Unknown,
    };
}

public sealed record LiveInputNotificationData
{
    [JsonPropertyName("notification_name")] public string? NotificationName { get; init; }

    [JsonPropertyName("input_id")] public required string InputId { get; init; }

    /// <summary>live_input.connected | live_input.disconnected | live_input.errored.</summary>
    [JsonPropertyName("event_type")] public required string EventType { get; init; }

    [JsonPropertyName("updated_at")] public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Only for <c>live_input.errored</c>.</summary>
    [JsonPropertyName("live_input_errored")] public LiveInputErrored? LiveInputErrored { get; init; }
}

public sealed record LiveInputErrored
{
    [JsonPropertyName("error")] public LiveInputError? Error { get; init; }

    [JsonPropertyName("video_codec")] public string? VideoCodec { get; init; }

    [JsonPropertyName("audio_codec")] public string? AudioCodec { get; init; }
}

/// <summary><c>code</c>: ERR_STORAGE_QUOTA_EXHAUSTED | ERR_GOP_OUT_OF_RANGE | ERR_UNSUPPORTED_VIDEO_CODEC | ERR_UNSUPPORTED_AUDIO_CODEC.</summary>
public sealed record LiveInputError(
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("message")] string? Message);
