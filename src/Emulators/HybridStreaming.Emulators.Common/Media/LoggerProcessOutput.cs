using HybridStreaming.Processes;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common.Media;

/// <summary>
/// Output of a media process into the emulator's log, with every known secret masked (ffmpeg prints
/// its RTMP URLs, stream keys included). An optional observer sees each raw line first (progress parsing).
/// </summary>
public sealed class LoggerProcessOutput(ILogger logger, SecretMasker secrets, Action<string>? observer = null) : IProcessOutput
{
    public void Write(string source, string line, bool isError)
    {
        observer?.Invoke(line);
        if (line.StartsWith("progress=", StringComparison.Ordinal) || line.Contains('=', StringComparison.Ordinal) && !line.Contains(' ', StringComparison.Ordinal))
        {
            // ffmpeg -progress key=value lines: read by the observer, too chatty for the log.
            return;
        }

        var masked = secrets.Mask(line);
        if (isError)
        {
            logger.LogWarning("[{Process}] {Line}", source, masked);
        }
        else
        {
            logger.LogInformation("[{Process}] {Line}", source, masked);
        }
    }
}
