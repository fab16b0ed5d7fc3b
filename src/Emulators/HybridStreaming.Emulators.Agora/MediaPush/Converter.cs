using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common.Media;

namespace HybridStreaming.Emulators.Agora.MediaPush;

/// <summary>A Media Push converter: pulls one channel (raw: one uid) and pushes it to <see cref="RtmpUrl"/>.</summary>
public sealed class Converter
{
    public required string Id { get; init; }

    public required string? Name { get; init; }

    public required string Region { get; init; }

    public required string RtcChannel { get; init; }

    /// <summary>Raw converters push exactly this uid; transcoding converters any broadcaster.</summary>
    public uint? RtcStreamUid { get; init; }

    public JsonObject? RawOptions { get; init; }

    public JsonObject? TranscodeOptions { get; set; }

    public required string RtmpUrl { get; set; }

    public required int IdleTimeout { get; init; }

    public int JitterBufferSizeMs { get; init; } = 1000;

    public required long CreateTs { get; init; }

    public long UpdateTs { get; set; }

    /// <summary>connecting | running | failed.</summary>
    public string State { get; set; } = "connecting";

    public long? LastSequence { get; set; }

    public bool Deleted { get; set; }

    public RtmpForwarder? Forwarder { get; set; }

    /// <summary>Media off: the push was accepted by the target's HTTP stand-in.</summary>
    public bool HttpPushing { get; set; }

    public CancellationTokenSource? IdleTimer { get; set; }

    public JsonObject Summary() => new()
    {
        ["id"] = Id,
        ["createTs"] = CreateTs,
        ["updateTs"] = UpdateTs,
        ["state"] = State,
    };

    public JsonObject Full()
    {
        var json = new JsonObject
        {
            ["id"] = Id,
            ["name"] = Name,
        };
        if (RawOptions is not null)
        {
            json["rawOptions"] = RawOptions.DeepClone();
        }

        if (TranscodeOptions is not null)
        {
            json["transcodeOptions"] = TranscodeOptions.DeepClone();
        }

        json["rtmpUrl"] = RtmpUrl;
        json["idleTimeout"] = IdleTimeout;
        json["jitterBufferSizeMs"] = JitterBufferSizeMs;
        json["createTs"] = CreateTs;
        json["updateTs"] = UpdateTs;
        json["state"] = State;
        return json;
    }
}
