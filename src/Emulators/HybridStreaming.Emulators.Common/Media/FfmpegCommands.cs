using System.Globalization;

namespace HybridStreaming.Emulators.Common.Media;

/// <summary>
/// The ffmpeg command lines of the media pipeline (architecture §8.6): one synthetic encoder per
/// channel at ≤426×240, 15 fps; everything downstream copies (<c>-c copy</c>).
/// </summary>
public static class FfmpegCommands
{
    private static readonly string[] Quiet = ["-hide_banner", "-nostdin", "-loglevel", "warning"];

    /// <summary>
    /// Readers of a live RTMP stream start copying as soon as the FLV headers are in, instead of probing
    /// seconds of media first: the copy needs no decoding, and every second here is a second before the
    /// first HLS segment.
    /// </summary>
    private static readonly string[] LiveInput = ["-fflags", "nobuffer", "-probesize", "65536", "-analyzeduration", "500000"];

    /// <summary>
    /// The seller stand-in: testsrc2 pattern and a sine tone, with the channel name and the wall-clock
    /// time (UTC, milliseconds) burned in so glass-to-glass latency can be read off a frame.
    /// </summary>
    public static IReadOnlyList<string> SyntheticSource(string label, string targetRtmpUrl, int width, int height, int fps, double keyframeSeconds)
    {
        var now = DateTimeOffset.UtcNow;
        var secondsSinceMidnight = (now - now.Date).TotalSeconds;
        var gop = Math.Max(1, (int)Math.Round(keyframeSeconds * fps));
        var text = new string([.. label.Where(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')]);
        var drawText =
            $"drawtext=fontfile={MediaTools.Font}:fontsize=16:fontcolor=white:box=1:boxcolor=black@0.6:x=6:y=6:" +
            $"text='{text}',drawtext=fontfile={MediaTools.Font}:fontsize=16:fontcolor=white:box=1:boxcolor=black@0.6:x=6:y=28:" +
            string.Create(CultureInfo.InvariantCulture, $"text='%{{pts\\:hms\\:{secondsSinceMidnight:0.000}}} UTC'");
        return
        [
            .. Quiet, "-re",
            "-f", "lavfi", "-i", string.Create(CultureInfo.InvariantCulture, $"testsrc2=size={width}x{height}:rate={fps}"),
            // Audio in 4096-sample frames and AAC's fast coder: a fifth less CPU per channel than the
            // defaults (a tone needs no rate-distortion search), which twenty channels on two cores feel.
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:samples_per_frame=4096",
            "-vf", drawText,
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
            "-g", gop.ToString(CultureInfo.InvariantCulture), "-keyint_min", gop.ToString(CultureInfo.InvariantCulture),
            "-sc_threshold", "0", "-b:v", "300k", "-maxrate", "400k", "-bufsize", "400k",
            "-c:a", "aac", "-aac_coder", "fast", "-b:a", "64k", "-ar", "44100", "-ac", "1",
            "-f", "flv", "-flvflags", "no_duration_filesize", targetRtmpUrl,
        ];
    }

    /// <summary>Relays a stream unchanged to another RTMP server (Media Push, simulcast outputs). Progress goes to stdout.</summary>
    public static IReadOnlyList<string> CopyToRtmp(string sourceRtmpUrl, string targetRtmpUrl) =>
    [
        .. Quiet, "-progress", "pipe:1", "-rw_timeout", "10000000", .. LiveInput,
        "-i", sourceRtmpUrl, "-map", "0", "-c", "copy", "-f", "flv", "-flvflags", "no_duration_filesize", targetRtmpUrl,
    ];

    /// <summary>
    /// Records a stream unchanged: an HLS event playlist (ENDLIST written when ffmpeg ends; appended to
    /// when the recording resumes) and, when asked, a fragmented MP4 that stays playable even if cut short.
    /// </summary>
    public static IReadOnlyList<string> Record(string sourceRtmpUrl, string playlistPath, string segmentPattern, double segmentSeconds, string? mp4Path)
    {
        List<string> arguments =
        [
            .. Quiet, "-progress", "pipe:1", "-rw_timeout", "10000000", .. LiveInput, "-i", sourceRtmpUrl,
            "-map", "0", "-c", "copy", "-f", "hls",
            "-hls_time", segmentSeconds.ToString("0.###", CultureInfo.InvariantCulture),
            "-hls_list_size", "0", "-hls_playlist_type", "event", "-hls_flags", "append_list+independent_segments+discont_start",
            "-hls_segment_filename", segmentPattern, playlistPath,
        ];
        if (mp4Path is not null)
        {
            arguments.AddRange(["-map", "0", "-c", "copy", "-f", "mp4", "-movflags", "frag_keyframe+empty_moov+default_base_moof", mp4Path]);
        }

        return arguments;
    }
}
