using System.Text.Json;
using System.Text.Json.Serialization;

namespace HybridStreaming.Agora;

/// <summary>
/// What to push: the <paramref name="RtcStreamUid"/> stream of <paramref name="RtcChannel"/>, untranscoded
/// (<c>rawOptions</c>), to <paramref name="RtmpUrl"/>. <paramref name="Name"/> is unique per project — use
/// <see cref="MediaPushClient.ConverterName"/> so a repeated create answers 409 instead of pushing twice.
/// The RTMP URL carries the destination's stream key, so <see cref="ToString"/> masks it.
/// </summary>
public sealed record MediaPushRawConverter(string Name, string RtcChannel, uint RtcStreamUid, string RtmpUrl, TimeSpan? IdleTimeout = null)
{
    public override string ToString() =>
        $"MediaPushRawConverter {{ Name = {Name}, RtcChannel = {RtcChannel}, RtcStreamUid = {RtcStreamUid}, RtmpUrl = ***, IdleTimeout = {IdleTimeout} }}";
}

// ---- Wire records (agora.md §3) ----

public sealed record CreateConverterRequest([property: JsonPropertyName("converter")] ConverterSpec Converter);

public sealed record ConverterSpec
{
    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("rawOptions")] public RawOptions? RawOptions { get; init; }

    /// <summary>Transcoded converters (not built by this client), passed as given.</summary>
    [JsonPropertyName("transcodeOptions")] public JsonElement? TranscodeOptions { get; init; }

    [JsonPropertyName("rtmpUrl")] public required string RtmpUrl { get; init; }

    /// <summary>Seconds without the source stream before Agora destroys the converter.</summary>
    [JsonPropertyName("idleTimeout")] public int? IdleTimeout { get; init; }

    [JsonPropertyName("jitterBufferSizeMs")] public int? JitterBufferSizeMs { get; init; }

    public override string ToString() => $"ConverterSpec {{ Name = {Name}, RawOptions = {RawOptions}, RtmpUrl = ***, IdleTimeout = {IdleTimeout} }}";
}

public sealed record RawOptions(
    [property: JsonPropertyName("rtcChannel")] string RtcChannel,
    [property: JsonPropertyName("rtcStreamUid")] uint RtcStreamUid);

/// <summary>Create/Update/Get answer: <c>{"converter":{...},"fields":"..."}</c>.</summary>
public sealed record ConverterEnvelope(
    [property: JsonPropertyName("converter")] MediaPushConverter Converter,
    [property: JsonPropertyName("fields")] string? Fields);

/// <summary>A converter as Agora reports it (create: id, timestamps, state; get: the whole configuration too).</summary>
public sealed record MediaPushConverter
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("name")] public string? Name { get; init; }

    [JsonPropertyName("createTs")] public long? CreateTs { get; init; }

    [JsonPropertyName("updateTs")] public long? UpdateTs { get; init; }

    /// <summary>connecting | running | failed.</summary>
    [JsonPropertyName("state")] public string? State { get; init; }

    [JsonPropertyName("rawOptions")] public RawOptions? RawOptions { get; init; }

    [JsonPropertyName("transcodeOptions")] public JsonElement? TranscodeOptions { get; init; }

    [JsonPropertyName("rtmpUrl")] public string? RtmpUrl { get; init; }

    [JsonPropertyName("idleTimeout")] public int? IdleTimeout { get; init; }

    public override string ToString() =>
        $"MediaPushConverter {{ Id = {Id}, Name = {Name}, State = {State}, RawOptions = {RawOptions}, CreateTs = {CreateTs}, UpdateTs = {UpdateTs}, " +
        $"RtmpUrl = {(RtmpUrl is null ? "(none)" : "***")}, IdleTimeout = {IdleTimeout} }}";
}

/// <summary>List answer: <c>{"success":true,"data":{"total_count":1,"cursor":0,"members":[...]}}</c>.</summary>
public sealed record ConverterListResponse(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("data")] MediaPushConverterList? Data);

/// <summary>One page of converters; <see cref="Cursor"/> 0 means this was the last page.</summary>
public sealed record MediaPushConverterList(
    [property: JsonPropertyName("total_count")] int TotalCount,
    [property: JsonPropertyName("cursor")] long Cursor,
    [property: JsonPropertyName("members")] IReadOnlyList<MediaPushConverterSummary> Members);

public sealed record MediaPushConverterSummary
{
    [JsonPropertyName("converterId")] public required string ConverterId { get; init; }

    [JsonPropertyName("converterName")] public string? ConverterName { get; init; }

    [JsonPropertyName("rtcChannel")] public string? RtcChannel { get; init; }

    [JsonPropertyName("rtmpUrl")] public string? RtmpUrl { get; init; }

    [JsonPropertyName("state")] public string? State { get; init; }

    /// <summary>Creation time as the List example spells it (<c>create</c>); <see cref="CreateTs"/> if sent that way.</summary>
    [JsonPropertyName("create")] public long? Create { get; init; }

    [JsonPropertyName("createTs")] public long? CreateTs { get; init; }

    [JsonPropertyName("updateTs")] public long? UpdateTs { get; init; }

    [JsonPropertyName("idleTimeout")] public int? IdleTimeout { get; init; }

    [JsonPropertyName("appId")] public string? AppId { get; init; }

    public override string ToString() =>
        $"MediaPushConverterSummary {{ ConverterId = {ConverterId}, ConverterName = {ConverterName}, RtcChannel = {RtcChannel}, " +
        $"State = {State}, RtmpUrl = {(RtmpUrl is null ? "(none)" : "***")} }}";
}

/// <summary>Result of <see cref="MediaPushClient.CreateOrReuseAsync"/>.</summary>
public sealed record MediaPushCreateResult(MediaPushConverter Converter, bool Reused);
