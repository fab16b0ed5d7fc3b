using HybridStreaming.Agora;
using HybridStreaming.Contracts;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Recording.Worker.Domain;
using HybridStreaming.Recording.Worker.Infrastructure;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Recording.Worker.Application;

/// <summary>
/// One step of a recording task against Agora Cloud Recording: acquire + start, query until the
/// recorder runs, stop. The provider call happens first; its outcome is then applied to the row (again
/// on a concurrent change), so a stop recorded meanwhile is never lost.
/// </summary>
public sealed partial class RecordingSteps(
    RecordingsDbContext db,
    CloudRecordingClient agora,
    CloudRecordingRateLimiter quota,
    IOptions<RecordingOptions> options,
    TimeProvider clock,
    ILogger<RecordingSteps> logger)
{
    private RecordingOptions Options => options.Value;

    /// <summary>Runs the task's due steps; a step whose successor is due at once is followed by it without a round trip through the queue.</summary>
    public async Task RunAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        for (var step = 0; step < MaxStepsPerRun; step++)
        {
            var task = await db.Tasks.FindAsync([sessionId], cancellationToken);
            if (task is null || task.NextAttemptAt is null || task.NextAttemptAt > clock.GetUtcNow())
            {
                return;
            }

            var outcome = task.StopRequested
                ? await StopAsync(task, cancellationToken)
                : task.State switch
                {
                    RecordingTaskState.Pending => await StartAsync(task, cancellationToken),
                    RecordingTaskState.Starting => await ConfirmAsync(task, cancellationToken),
                    _ => t => t.Idle(),
                };
            await db.ApplyAndSaveAsync(task, sessionId, outcome, cancellationToken);
        }
    }

    private const int MaxStepsPerRun = 4;

    private async Task<Action<RecordingTask>> StartAsync(RecordingTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (now >= task.StartGiveUpAt)
        {
            var why = $"Cloud Recording did not start within {Options.StartTimeout.TotalSeconds:0} s ({task.LastError ?? "no answer"}).";
            return t => t.Fail(why, now);
        }

        string? acquired = null;
        try
        {
            var resourceId = task.ResourceId;
            if (resourceId is null || task.ResourceAcquiredAt + Options.ResourceLifetime < now)
            {
                var acquire = await quota.TryRunAsync(() => agora.AcquireAsync(task.ChannelName, task.RecorderUid, cancellationToken: cancellationToken), StartPatience, cancellationToken);
                if (!acquire.Ran)
                {
                    return Throttled(now);
                }

                resourceId = acquired = acquire.Result!.ResourceId;
            }

            // Start right after acquire, as Agora asks (a resourceId is for one start within seconds).
            var started = await quota.RunAsync(() => agora.StartAsync(resourceId, task.ChannelName, task.RecorderUid, cancellationToken: cancellationToken), cancellationToken);
            LogStarted(logger, task.SessionId, task.ChannelName, started.Sid);
            return t =>
            {
                if (acquired is not null)
                {
                    t.Acquired(acquired, now);
                }

                // Ask at once: a recorder that is up already saves a whole interval.
                t.Started(started.Sid, now, TimeSpan.Zero);
            };
        }
        catch (AgoraApiException exception)
        {
            LogProviderError(logger, exception, task.SessionId, "start");
            var keep = acquired;
            Action<RecordingTask> remember = t =>
            {
                if (keep is not null)
                {
                    t.Acquired(keep, now);
                }
            };
            if (exception.IsCircuitOpen)
            {
                return t => t.Fail("Agora Cloud Recording is unavailable (its circuit breaker is open after repeated failures).", now);
            }

            if (exception.Code == AgoraErrorCodes.TaskConflict)
            {
                return t => t.ChangeRecorderUid(RecorderUids.Next(t.RecorderUid), "another recorder uses this uid in the channel (code 53)", now);
            }

            if (exception.Code is 433 or 432 or 1001 or AgoraErrorCodes.AlreadyStarted)
            {
                // The resourceId expired, does not match, or was used: start over with a new one.
                return t => t.ForgetResource($"resourceId not usable (code {exception.Code})", now);
            }

            if (exception.IsRetryable)
            {
                var delay = RetryDelay.For(task.Attempts, exception.RetryAfter);
                return t =>
                {
                    remember(t);
                    t.RetryLater(exception.Message, now, delay);
                };
            }

            var reason = $"Agora refused to start the recording: {exception.Reason ?? exception.Message}";
            return t => t.Fail(reason, now);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // Bad configuration (e.g. no storage): an operator has to act; say so.
            var reason = $"Recording is not possible with the current configuration: {exception.Message}";
            return t => t.Fail(reason, now);
        }
    }

    /// <summary>How long a start may wait for a Cloud Recording slot before the task steps back and retries.</summary>
    private static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(1);

    /// <summary>Over the call quota right now: try again shortly, without counting a failure.</summary>
    private Action<RecordingTask> Throttled(DateTimeOffset now) =>
        t => t.StillStarting(now, TimeSpan.FromMilliseconds(250 + Random.Shared.Next(500)));

    private async Task<Action<RecordingTask>> ConfirmAsync(RecordingTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        try
        {
            var query = await quota.TryRunAsync(() => agora.QueryAsync(task.ResourceId!, task.Sid!, cancellationToken: cancellationToken), TimeSpan.Zero, cancellationToken);
            var status = query.Ran ? query.Result!.ServerResponse?.Status : null;
            switch (status)
            {
                case CloudRecordingState.Ready or CloudRecordingState.InProgress:
                    LogRecording(logger, task.SessionId, task.Sid!);
                    return t => t.Recording(now);
                case CloudRecordingState.StopRequested or CloudRecordingState.Stopped or CloudRecordingState.Exited or CloudRecordingState.ExitedAbnormally:
                    return t => t.Fail($"The recorder exited before recording (status {(int)status}).", now);
            }
        }
        catch (AgoraApiException exception) when (exception.IsRetryable || exception.IsNotFound)
        {
            // 404 "failed to find worker" right after a start is transient during a failover (agora.md §2.6).
            LogProviderError(logger, exception, task.SessionId, "query");
        }
        catch (AgoraApiException exception)
        {
            var reason = $"Agora refused to report the recording: {exception.Reason ?? exception.Message}";
            return t => t.Fail(reason, now);
        }

        if (now >= task.StartGiveUpAt)
        {
            return t => t.Fail($"The recorder did not report recording within {Options.StartTimeout.TotalSeconds:0} s.", now);
        }

        return t => t.StillStarting(now, Options.QueryInterval);
    }

    private async Task<Action<RecordingTask>> StopAsync(RecordingTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (task.Sid is null || task.ResourceId is null)
        {
            return t => t.Stopped([], Options.Tier, now, "never started");
        }

        try
        {
            var stopped = await quota.RunAsync(() => agora.StopAsync(task.ResourceId, task.Sid, task.ChannelName, task.RecorderUid, cancellationToken: cancellationToken), cancellationToken);
            var files = (stopped.ServerResponse?.Files ?? []).Select(ToRecordingFile).ToList();
            LogStopped(logger, task.SessionId, files.Count);
            return t => t.Stopped(files, Options.Tier, now);
        }
        catch (AgoraApiException exception) when (exception.Code == AgoraErrorCodes.NoRecordedData)
        {
            return t => t.Stopped([], Options.Tier, now, "nobody published: nothing was recorded (code 435)");
        }
        catch (AgoraApiException exception) when (exception.Code == AgoraErrorCodes.InvalidOperation || exception.IsNotFound)
        {
            var note = $"the recorder had already exited ({exception.Reason ?? exception.Message})";
            return t => t.Stopped([], Options.Tier, now, note);
        }
        catch (AgoraApiException exception) when ((exception.IsRetryable || exception.IsCircuitOpen) && task.Attempts + 1 < Options.StopAttempts)
        {
            LogProviderError(logger, exception, task.SessionId, "stop");
            var delay = RetryDelay.For(task.Attempts, exception.RetryAfter);
            return t => t.RetryLater(exception.Message, now, delay);
        }
        catch (AgoraApiException exception)
        {
            var note = $"stop not confirmed by Agora ({exception.Reason ?? exception.Message}); check the recording in the Agora console";
            return t => t.Stopped([], Options.Tier, now, note);
        }
    }

    private static RecordingFile ToRecordingFile(RecordingFileInfo file) =>
        new(file.FileName, file.FileName.EndsWith(".mp4", StringComparison.OrdinalIgnoreCase) ? RecordingFileKind.Mp4 : RecordingFileKind.Hls, null);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: recording of {Channel} started (sid {Sid})")]
    private static partial void LogStarted(ILogger logger, Guid sessionId, string channel, string sid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: recorder is recording (sid {Sid})")]
    private static partial void LogRecording(ILogger logger, Guid sessionId, string sid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: recording stopped with {Files} file(s)")]
    private static partial void LogStopped(ILogger logger, Guid sessionId, int files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: Cloud Recording {Step} failed")]
    private static partial void LogProviderError(ILogger logger, Exception exception, Guid sessionId, string step);
}
