using System.Globalization;
using System.Text;
using HybridStreaming.Emulators.CloudflareStream.Domain;

namespace HybridStreaming.Emulators.CloudflareStream.Ingest;

/// <summary>HLS playlists of a broadcast: a sliding live window while it is live, the whole recording (VOD, ENDLIST) once ready.</summary>
public static class Playlists
{
    public static string Live(IReadOnlyList<Segment> segments, double windowSeconds)
    {
        var first = segments.Count;
        var total = 0.0;
        while (first > 0 && (total < windowSeconds || segments.Count - first < 3))
        {
            first--;
            total += segments[first].Duration;
        }

        return Write(segments, first, vod: false);
    }

    public static string Vod(IReadOnlyList<Segment> segments) => Write(segments, 0, vod: true);

    private static string Write(IReadOnlyList<Segment> segments, int first, bool vod)
    {
        var text = new StringBuilder();
        var target = segments.Count == 0 ? 1 : (int)Math.Ceiling(segments.Skip(first).Select(s => s.Duration).DefaultIfEmpty(1).Max());
        var discontinuities = segments.Take(first).Count(s => s.Discontinuity);
        text.Append("#EXTM3U\n#EXT-X-VERSION:3\n");
        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-TARGETDURATION:{target}\n");
        if (vod)
        {
            text.Append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"#EXT-X-MEDIA-SEQUENCE:{first}\n");
        if (discontinuities > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuities}\n");
        }

        for (var i = first; i < segments.Count; i++)
        {
            if (segments[i].Discontinuity && i > first)
            {
                text.Append("#EXT-X-DISCONTINUITY\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"#EXTINF:{segments[i].Duration:0.000},\n{segments[i].FileName}\n");
        }

        if (vod)
        {
            text.Append("#EXT-X-ENDLIST\n");
        }

        return text.ToString();
    }

    /// <summary>Reads nginx-rtmp's live playlist: (segment file, duration) in order.</summary>
    public static List<(string File, double Duration)> Parse(string playlist)
    {
        var result = new List<(string, double)>();
        double? duration = null;
        foreach (var raw in playlist.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("#EXTINF:", StringComparison.Ordinal))
            {
                var value = line["#EXTINF:".Length..].Split(',')[0];
                duration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
            }
            else if (line.Length > 0 && !line.StartsWith('#') && duration is { } known)
            {
                result.Add((line, known));
                duration = null;
            }
        }

        return result;
    }
}
