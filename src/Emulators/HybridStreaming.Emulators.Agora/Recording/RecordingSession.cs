using HybridStreaming.Emulators.Common.Media;

namespace HybridStreaming.Emulators.Agora.Recording;

/// <summary>An acquired resource: good for one start, within 5 minutes.</summary>
public sealed record RecordingResource(string ResourceId, string Cname, string Uid, DateTimeOffset AcquiredAt)
{
    public string? Sid { get; set; }
}

public enum SessionState
{
    Running,
    Stopped,
    Exited,
}

/// <summary>One recording task (resourceId + sid): the recorder in the channel, its files and its state.</summary>
public sealed class RecordingSession
{
    public required string Sid { get; init; }

    public required string ResourceId { get; init; }

    public required string Cname { get; init; }

    public required string Uid { get; init; }

    public required string Mode { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required string Folder { get; init; }

    public required bool Mp4 { get; init; }

    public required int MaxIdleSeconds { get; init; }

    public SessionState State { get; set; } = SessionState.Running;

    /// <summary>Media reached the files (a broadcaster published while recording).</summary>
    public bool Published { get; set; }

    /// <summary>Mix: <c>&lt;sid&gt;_&lt;cname&gt;</c>; individual: with the recorded uid (<c>__uid_s_&lt;uid&gt;__uid_e_av</c>).</summary>
    public string? FileStem { get; set; }

    public int Slices { get; set; }

    public long SliceStartTime { get; set; }

    public RtmpForwarder? Recorder { get; set; }

    public CancellationTokenSource? IdleTimer { get; set; }

    public int Sequence { get; set; }

    public string DefaultStem => $"{Sid}_{Cname}";

    public string Playlist => (FileStem ?? DefaultStem) + ".m3u8";

    public IEnumerable<string> Mp4Files => Enumerable.Range(0, Math.Max(Slices, Published ? 1 : 0)).Select(i => $"{FileStem ?? DefaultStem}_{i}.mp4");
}
