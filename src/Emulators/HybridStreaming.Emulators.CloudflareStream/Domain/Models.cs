using System.Text.Json.Nodes;

namespace HybridStreaming.Emulators.CloudflareStream.Domain;

public sealed class RecordingSettings
{
    public string Mode { get; set; } = "off";

    public long TimeoutSeconds { get; set; }

    public bool RequireSignedUrls { get; set; }

    public List<string> AllowedOrigins { get; set; } = [];

    public bool HideLiveViewerCount { get; set; }
}

/// <summary>A simulcast output of a live input.</summary>
public sealed class LiveOutput
{
    public required string Uid { get; init; }

    public required string Url { get; init; }

    public required string StreamKey { get; init; }

    public bool Enabled { get; set; } = true;

    public Common.Media.RtmpForwarder? Forwarder { get; set; }
}

public sealed class LiveInput
{
    public required string Uid { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset Modified { get; set; }

    public JsonObject Meta { get; set; } = [];

    public bool Enabled { get; set; } = true;

    public string? DefaultCreator { get; set; }

    public double? DeleteRecordingAfterDays { get; set; }

    public bool PreferLowLatency { get; set; }

    public RecordingSettings Recording { get; set; } = new();

    public required Credentials Keys { get; set; }

    public DateTimeOffset? KeysRotatedAt { get; set; }

    /// <summary>null (never connected), connected, reconnected, client_disconnect, …</summary>
    public string? Status { get; set; }

    public List<LiveOutput> Outputs { get; } = [];

    /// <summary>The stream key the current publisher used (nginx names the stream by it), while one is connected.</summary>
    public string? PublishingKey { get; set; }

    /// <summary>The broadcast in progress, or one waiting out its reconnect window.</summary>
    public Video? Current { get; set; }

    public CancellationTokenSource? FinishTimer { get; set; }

    public bool IsLive => PublishingKey is not null;
}

/// <summary>The secrets of a live input; rotated together.</summary>
public sealed record Credentials(string StreamKey, string PlaybackKey, string SrtStreamId, string SrtPassphrase, string SrtPlaybackStreamId, string SrtPlaybackPassphrase, string WebRtcSecret);

public sealed record Segment(string FileName, double Duration, bool Discontinuity);

/// <summary>A broadcast of a live input: live while connected, then (recording automatic) a ready video.</summary>
public sealed class Video
{
    private readonly List<Segment> _segments = [];
    private readonly Dictionary<string, DateTimeOffset> _viewers = new(StringComparer.Ordinal);

    public required string Uid { get; init; }

    public required string LiveInputUid { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset Modified { get; set; }

    public required string Folder { get; init; }

    public JsonObject Meta { get; set; } = [];

    public string? Creator { get; set; }

    /// <summary>live-inprogress, then ready (or error).</summary>
    public string State { get; set; } = "live-inprogress";

    public DateTimeOffset? ReadyAt { get; set; }

    public bool RequireSignedUrls { get; set; }

    public List<string> AllowedOrigins { get; set; } = [];

    public double? DeleteRecordingAfterDays { get; set; }

    public bool GopChecked { get; set; }

    /// <summary>The next segment starts a new piece (after a reconnect).</summary>
    public bool PendingDiscontinuity { get; set; }

    public IReadOnlyList<Segment> Segments
    {
        get
        {
            lock (_segments)
            {
                return [.. _segments];
            }
        }
    }

    public double Duration => Segments.Sum(s => s.Duration);

    public void AddSegment(Segment segment)
    {
        lock (_segments)
        {
            _segments.Add(segment);
        }
    }

    public void SawViewer(string viewer, DateTimeOffset now)
    {
        lock (_viewers)
        {
            _viewers[viewer] = now;
        }
    }

    public int LiveViewers(DateTimeOffset now, TimeSpan window)
    {
        lock (_viewers)
        {
            return _viewers.Values.Count(seen => now - seen <= window);
        }
    }
}
