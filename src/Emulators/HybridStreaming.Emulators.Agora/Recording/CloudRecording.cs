using System.Globalization;
using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Media;
using HybridStreaming.Emulators.Agora.Channels;
using HybridStreaming.Emulators.Agora.Notifications;

namespace HybridStreaming.Emulators.Agora.Recording;

/// <summary>
/// Cloud Recording tasks. A running task has its recorder in the channel (an audience member on Linux);
/// whenever the channel's media is live it records it with <c>ffmpeg -c copy</c> into the folder that
/// stands for the bucket (HLS <c>&lt;sid&gt;_&lt;cname&gt;.m3u8</c>, and MP4 when asked). A task with no
/// broadcaster for <c>maxIdleTime</c> exits by itself, as Agora's does.
/// </summary>
public sealed class CloudRecording
{
    private readonly ChannelRegistry _channels;
    private readonly ChannelMedia _media;
    private readonly NcsNotifier _ncs;
    private readonly AgoraSettings _settings;
    private readonly EmulatorOptions _options;
    private readonly SecretMasker _secrets;
    private readonly TimeProvider _time;
    private readonly ILogger<CloudRecording> _logger;

    public CloudRecording(ChannelRegistry channels, ChannelMedia media, NcsNotifier ncs, AgoraSettings settings, EmulatorOptions options, SecretMasker secrets, TimeProvider time, ILogger<CloudRecording> logger)
    {
        _channels = channels;
        _media = media;
        _ncs = ncs;
        _settings = settings;
        _options = options;
        _secrets = secrets;
        _time = time;
        _logger = logger;
        channels.Changed += Reconcile;
    }

    public Dictionary<string, RecordingResource> Resources { get; } = new(StringComparer.Ordinal);

    /// <summary>Every task ever started (query and stop still answer for ended ones).</summary>
    public Dictionary<string, RecordingSession> Sessions { get; } = new(StringComparer.Ordinal);

    // The running tasks by channel: every channel change, start and limit check reads these, and
    // Sessions keeps growing with every task ever started.
    private readonly Dictionary<string, List<RecordingSession>> _running = new(StringComparer.Ordinal);

    public AgoraSettings Settings => _settings;

    /// <summary>Inside the lock: how many tasks are running (the strict mode's concurrency limit).</summary>
    public int Running => _running.Values.Sum(running => running.Count);

    /// <summary>Inside the lock: the channel's running tasks.</summary>
    public IReadOnlyList<RecordingSession> RunningIn(string cname) => _running.TryGetValue(cname, out var running) ? running : [];

    /// <summary>Starts the task (inside the lock): the recorder joins, NCS 40, recording begins if media is live.</summary>
    public void Begin(RecordingSession session, string? tokenProblem)
    {
        Sessions[session.Sid] = session;
        Directory.CreateDirectory(session.Folder);
        if (tokenProblem is not null)
        {
            // The recorder cannot join with a bad token: the task dies, and query/stop then find no worker.
            _logger.LogWarning("Recording {Sid} of {Channel}: the recorder could not join: {Problem}", session.Sid, session.Cname, tokenProblem);
            session.State = SessionState.Exited;
            Notify(session, 1, new JsonObject { ["msgName"] = "cloud_recording_error", ["module"] = 0, ["errorLevel"] = 4, ["errorCode"] = 110, ["stat"] = 0, ["errorMsg"] = tokenProblem });
            Notify(session, 11, new JsonObject { ["msgName"] = "session_exit", ["exitStatus"] = 1 });
            return;
        }

        if (!_running.TryGetValue(session.Cname, out var running))
        {
            _running[session.Cname] = running = [];
        }

        running.Add(session);
        _channels.JoinBot(session.Cname, uint.Parse(session.Uid, CultureInfo.InvariantCulture));
        Notify(session, 40, new JsonObject { ["msgName"] = "recorder_started", ["status"] = 0 });
        Reconcile(session.Cname);
    }

    /// <summary>Stops the task (inside the lock); returns the recorder to wait for, if one was writing.</summary>
    public RtmpForwarder? End(RecordingSession session, SessionState state, int leaveCode)
    {
        session.State = state;
        if (_running.TryGetValue(session.Cname, out var running) && running.Remove(session) && running.Count == 0)
        {
            _running.Remove(session.Cname);
        }

        session.IdleTimer?.Cancel();
        session.IdleTimer = null;
        var recorder = session.Recorder;
        session.Recorder = null;
        _channels.LeaveBot(session.Cname, uint.Parse(session.Uid, CultureInfo.InvariantCulture));
        Notify(session, 41, new JsonObject { ["msgName"] = "recorder_leave", ["leaveCode"] = leaveCode });
        if (session.Published)
        {
            Notify(session, 31, new JsonObject { ["msgName"] = "uploaded", ["status"] = 0, ["fileList"] = FileJson(session) });
        }

        Notify(session, 11, new JsonObject { ["msgName"] = "session_exit", ["exitStatus"] = 0 });
        _logger.LogInformation("Recording {Sid} of {Channel} ended ({State}); files in {Folder}", session.Sid, session.Cname, state, session.Folder);
        return recorder;
    }

    /// <summary>mix + HLS only: the playlist name ("string"); otherwise a JSON list of files.</summary>
    public (string Mode, JsonNode List) FileList(RecordingSession session)
    {
        if (session.Mode == "mix" && !session.Mp4)
        {
            return ("string", JsonValue.Create(session.Published ? session.Playlist : "")!);
        }

        return ("json", FileJson(session));
    }

    public JsonArray FileJson(RecordingSession session)
    {
        if (!session.Published)
        {
            return [];
        }

        var uid = session.Mode == "mix" ? "0" : session.FileStem?.Split("__uid_s_").ElementAtOrDefault(1)?.Split("__")[0] ?? "0";
        var files = new List<string> { session.Playlist };
        if (session.Mp4)
        {
            files.AddRange(session.Mp4Files);
        }

        return new JsonArray([.. files.Select(name => (JsonNode)new JsonObject
        {
            ["fileName"] = name,
            ["trackType"] = "audio_and_video",
            ["uid"] = uid,
            ["mixedAllUser"] = session.Mode == "mix",
            ["isPlayable"] = true,
            ["sliceStartTime"] = session.SliceStartTime,
        })]);
    }

    /// <summary>Brings the recorders of a channel in line with it (called inside the lock after every change).</summary>
    private void Reconcile(string cname)
    {
        var channel = _channels.Find(cname);
        foreach (var session in RunningIn(cname).ToArray())
        {
            var hasBroadcaster = channel is { Broadcasters.Count: > 0 };
            if (hasBroadcaster)
            {
                session.IdleTimer?.Cancel();
                session.IdleTimer = null;
            }
            else if (session.IdleTimer is null)
            {
                StartIdleTimer(session);
            }

            if (channel is null || !channel.MediaLive || session.Recorder is not null)
            {
                continue;
            }

            session.FileStem ??= session.Mode == "individual" && channel.Broadcasters.Count > 0
                ? $"{session.DefaultStem}__uid_s_{channel.Broadcasters.Keys.Min()}__uid_e_av"
                : session.DefaultStem;
            if (!_options.Media)
            {
                // No media: nothing is written, but the task knows a broadcaster published.
                MarkPublished(session);
                continue;
            }

            if (_media.Nginx is null)
            {
                continue;
            }

            StartRecorder(session, channel);
        }
    }

    private void StartRecorder(RecordingSession session, Channel channel)
    {
        var slice = session.Slices;
        var mp4 = session.Mp4 ? Path.Combine(session.Folder, $"{session.FileStem}_{slice}.mp4") : null;
        var arguments = FfmpegCommands.Record(
            _media.SourceUrl(channel),
            Path.Combine(session.Folder, session.Playlist),
            Path.Combine(session.Folder, $"{session.FileStem}_%05d.ts"),
            _settings.RecordingSegmentSeconds,
            mp4);
        RtmpForwarder? recorder = null;
        recorder = RtmpForwarder.StartCustom("recorder-" + session.Sid[..8], arguments, _logger, _secrets, state =>
        {
            lock (_channels.Sync)
            {
                if (state == ForwarderState.Running)
                {
                    if (session.Slices == slice)
                    {
                        session.Slices = slice + 1;
                    }

                    MarkPublished(session);
                }
                else if (state is ForwarderState.Ended or ForwarderState.Failed && session.Recorder == recorder)
                {
                    session.Recorder = null;
                    _ = RetryLaterAsync(session.Cname);
                }
            }
        });
        session.Recorder = recorder;
    }

    private void MarkPublished(RecordingSession session)
    {
        if (!session.Published)
        {
            session.Published = true;
            session.SliceStartTime = _time.GetUtcNow().ToUnixTimeMilliseconds();
        }
    }

    private async Task RetryLaterAsync(string cname)
    {
        await Task.Delay(1000);
        lock (_channels.Sync)
        {
            Reconcile(cname);
        }
    }

    private void StartIdleTimer(RecordingSession session)
    {
        var timer = new CancellationTokenSource();
        session.IdleTimer = timer;
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(session.MaxIdleSeconds), timer.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            RtmpForwarder? recorder;
            lock (_channels.Sync)
            {
                if (session.IdleTimer != timer || session.State != SessionState.Running)
                {
                    return;
                }

                _logger.LogInformation("Recording {Sid}: no broadcaster for {Seconds} s, the recorder leaves", session.Sid, session.MaxIdleSeconds);
                recorder = End(session, SessionState.Exited, leaveCode: 4);
            }

            if (recorder is not null)
            {
                await recorder.DisposeAsync();
            }
        });
    }

    private void Notify(RecordingSession session, int eventType, JsonObject details) =>
        _ncs.Send(NcsNotifier.RecordingProduct, eventType, new JsonObject
        {
            ["cname"] = session.Cname,
            ["uid"] = session.Uid,
            ["sid"] = session.Sid,
            ["sequence"] = session.Sequence++,
            ["sendts"] = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["serviceType"] = 0,
            ["details"] = details,
        });

    /// <summary>Every recorder still writing (for shutdown).</summary>
    public IReadOnlyList<RtmpForwarder> ActiveRecorders() => [.. Sessions.Values.Select(s => s.Recorder).OfType<RtmpForwarder>()];
}
