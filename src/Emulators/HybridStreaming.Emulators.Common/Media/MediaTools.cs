using HybridStreaming.Processes;

namespace HybridStreaming.Emulators.Common.Media;

/// <summary>Where ffmpeg, ffprobe, nginx and its RTMP module are (Debian packages ffmpeg, nginx, libnginx-mod-rtmp).</summary>
public static class MediaTools
{
    public const string RtmpModule = "/usr/lib/nginx/modules/ngx_rtmp_module.so";
    public const string Font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

    public static string Ffmpeg => Find("ffmpeg", "ffmpeg");

    public static string Nginx => Find("nginx", "nginx");

    public static string Find(string name, string package) =>
        new[] { "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            $"{name} is not installed; the emulator needs it for media (or run it with EMULATOR_MEDIA=off). " +
            $"Install the Debian package '{package}', or run ./run.sh or ./test.sh, which install everything.");

    /// <summary>Fails early, with an install hint, when media is on and a tool is missing.</summary>
    public static void Require()
    {
        _ = Ffmpeg;
        _ = Nginx;
        if (!File.Exists(RtmpModule))
        {
            throw new InvalidOperationException(
                $"nginx's RTMP module ({RtmpModule}) is not installed; install the Debian package 'libnginx-mod-rtmp' (or set EMULATOR_MEDIA=off).");
        }
    }

    /// <summary>Stops a media process: SIGINT lets ffmpeg finish its files (MP4 index, HLS end list), then whatever is left is killed.</summary>
    public static Task StopGracefullyAsync(ManagedProcess process) => process.StopAsync(Native.SIGINT, TimeSpan.FromSeconds(5));
}
