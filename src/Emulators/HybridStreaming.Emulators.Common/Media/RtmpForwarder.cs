using System.Globalization;
using HybridStreaming.Processes;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common.Media;

public enum ForwarderState
{
    /// <summary>ffmpeg started; the target has not taken any data yet.</summary>
    Connecting,

    /// <summary>Data is flowing to the target.</summary>
    Running,

    /// <summary>The target refused or dropped the stream (ffmpeg failed).</summary>
    Failed,

    /// <summary>The source ended (the publisher left), or the forwarder was stopped.</summary>
    Ended,
}

/// <summary>
/// One <c>ffmpeg -c copy</c> process relaying an RTMP stream to another RTMP URL (a Media Push
/// converter, a simulcast output). Its state comes from what ffmpeg reports: bytes written means the
/// target accepted the stream; a non-zero exit means it refused or dropped it.
/// </summary>
public sealed class RtmpForwarder : IAsyncDisposable
{
    private readonly ManagedProcess _process;
    private readonly Action<ForwarderState> _changed;
    private int _state = (int)ForwarderState.Connecting;
    private bool _stopping;

    private RtmpForwarder(string name, IReadOnlyList<string> arguments, IEnumerable<string> secrets, ILogger logger, SecretMasker masker, Action<ForwarderState> changed)
    {
        _changed = changed;
        _process = ManagedProcess.Start(
            name,
            new ProcessLaunch(MediaTools.Ffmpeg, arguments) { Secrets = [.. secrets] },
            new LoggerProcessOutput(logger, masker, OnLine));
        _process.Exited.ContinueWith(t => OnExit(t.Result), TaskScheduler.Default);
    }

    public ForwarderState State => (ForwarderState)Volatile.Read(ref _state);

    public int Pid => _process.Pid;

    public static RtmpForwarder Start(string name, string source, string target, IEnumerable<string> secrets, ILogger logger, SecretMasker masker, Action<ForwarderState> changed) =>
        new(name, FfmpegCommands.CopyToRtmp(source, target), secrets, logger, masker, changed);

    /// <summary>Any ffmpeg with -progress pipe:1 whose output counts as "running" once bytes are written (recordings).</summary>
    public static RtmpForwarder StartCustom(string name, IReadOnlyList<string> arguments, ILogger logger, SecretMasker masker, Action<ForwarderState> changed) =>
        new(name, arguments, [], logger, masker, changed);

    private void OnLine(string line)
    {
        // -progress: "total_size=12345" (flv) or "out_time_us=…" (HLS, where the size is N/A) once media has gone out.
        foreach (var key in (ReadOnlySpan<string>)["total_size=", "out_time_us="])
        {
            if (line.StartsWith(key, StringComparison.Ordinal)
                && long.TryParse(line.AsSpan(key.Length), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                && value > 0)
            {
                Move(ForwarderState.Connecting, ForwarderState.Running);
            }
        }
    }

    private void OnExit(int code)
    {
        var final = _stopping || code == 0 ? ForwarderState.Ended : ForwarderState.Failed;
        var previous = (ForwarderState)Interlocked.Exchange(ref _state, (int)final);
        if (previous != final)
        {
            _changed(final);
        }
    }

    private void Move(ForwarderState from, ForwarderState to)
    {
        if (Interlocked.CompareExchange(ref _state, (int)to, (int)from) == (int)from)
        {
            _changed(to);
        }
    }

    public Task Exited => _process.Exited;

    public async Task StopAsync()
    {
        _stopping = true;
        await MediaTools.StopGracefullyAsync(_process);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await MediaTools.StopGracefullyAsync(_process);
        await _process.DisposeAsync();
    }
}
