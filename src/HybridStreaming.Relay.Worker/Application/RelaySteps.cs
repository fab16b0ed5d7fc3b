using System.Text.Json;
using HybridStreaming.Agora;
using HybridStreaming.Cloudflare;
using HybridStreaming.Messaging.Database;
using HybridStreaming.Relay.Worker.Domain;
using HybridStreaming.Relay.Worker.Infrastructure;
using HybridStreaming.ServiceDefaults.Providers;
using Microsoft.Extensions.Options;

namespace HybridStreaming.Relay.Worker.Application;

/// <summary>
/// One step of a relay task: create the Cloudflare live input (recording automatic; meta names the
/// channel and session; found again rather than duplicated on a retry) → create the Media Push
/// converter to its RTMP URL (deterministic name; 409 → reuse) → wait until the input reports
/// connected → RelayStarted with the HLS URL. At stop: delete the converter, disable the input. After
/// the retention: delete the input. An open circuit fails the start at once, so the session falls back.
/// </summary>
public sealed partial class RelaySteps(
    RelaysDbContext db,
    CloudflareStreamClient cloudflare,
    MediaPushClient mediaPush,
    IOptions<RelayOptions> options,
    TimeProvider clock,
    ILogger<RelaySteps> logger)
{
    private RelayOptions Options => options.Value;

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

            await RunStepAsync(task, cancellationToken);
        }
    }

    private const int MaxStepsPerRun = 5;

    private async Task RunStepAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var sessionId = task.SessionId;
        var outcome = task.StopRequested && task.State != RelayTaskState.Stopped
            ? await StopAsync(task, cancellationToken)
            : task.State switch
            {
                RelayTaskState.Pending => await CreateInputAsync(task, cancellationToken),
                RelayTaskState.InputCreated => await CreateConverterAsync(task, cancellationToken),
                RelayTaskState.Forwarding => await ConfirmConnectedAsync(task, cancellationToken),
                RelayTaskState.Failed when task.AwaitsRelease => await ReleaseAsync(task, cancellationToken),
                RelayTaskState.Stopped when !task.InputDeleted && task.LiveInputUid is not null => await DeleteInputAsync(task, cancellationToken),
                _ => t => t.Idle(),
            };
        await db.ApplyAndSaveAsync(task, sessionId, outcome, cancellationToken);
    }

    private async Task<Action<RelayTask>> CreateInputAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (GaveUp(task, now) is { } timeout)
        {
            return timeout;
        }

        try
        {
            var input = (task.Attempts > 0 ? await FindInputOfAsync(task.SessionId, cancellationToken) : null)
                ?? await cloudflare.CreateLiveInputAsync(
                    new LiveInputRequest
                    {
                        Meta = new Dictionary<string, string>
                        {
                            ["name"] = $"HybridStreaming {task.ChannelName} session {task.SessionId:N}",
                            ["channelId"] = task.ChannelId.ToString(),
                            ["sessionId"] = task.SessionId.ToString(),
                        },
                        Enabled = true,
                        Recording = new LiveInputRecording { Mode = "automatic" },
                    },
                    cancellationToken);
            LogInputCreated(logger, task.SessionId, input.Uid);
            return t => t.InputCreated(input.Uid, now);
        }
        catch (ProviderApiException exception)
        {
            return Failed(task, exception, "create the Cloudflare live input", now);
        }
    }

    private async Task<Action<RelayTask>> CreateConverterAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (GaveUp(task, now) is { } timeout)
        {
            return timeout;
        }

        try
        {
            var input = await cloudflare.GetLiveInputAsync(task.LiveInputUid!, cancellationToken);
            if (input.Rtmps is not { } rtmp)
            {
                return t => t.Fail("Cloudflare returned the live input without an RTMP ingest URL.", now);
            }

            var created = await mediaPush.CreateOrReuseAsync(
                new MediaPushRawConverter(task.ConverterName, task.ChannelName, task.SellerUid, rtmp.PushUrl, TimeSpan.FromSeconds(Options.ConverterIdleTimeoutSeconds)),
                cancellationToken);
            LogForwarding(logger, task.SessionId, created.Converter.Id, created.Reused);
            // Check at once: media may already be arriving.
            return t => t.ConverterCreated(created.Converter.Id, now, TimeSpan.Zero);
        }
        catch (ProviderApiException exception)
        {
            return Failed(task, exception, "create the Agora Media Push converter", now);
        }
    }

    private async Task<Action<RelayTask>> ConfirmConnectedAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        try
        {
            var input = await cloudflare.GetLiveInputAsync(task.LiveInputUid!, cancellationToken);
            if (input.IsConnected)
            {
                var hls = cloudflare.HlsPlaybackUrl(input.Uid).ToString();
                LogLive(logger, task.SessionId, input.Uid);
                return t => t.Live(hls, now);
            }

            var converter = await mediaPush.GetAsync(task.ConverterId!, cancellationToken);
            if (converter.State == "failed")
            {
                return t => t.Fail(
                    "Agora Media Push could not push to the Cloudflare live input (converter failed): the input refused the stream or the seller is not publishing.",
                    now);
            }

            if (GaveUp(task, now, $"the live input did not report media arriving (converter {converter.State})") is { } timeout)
            {
                return timeout;
            }
        }
        catch (ProviderApiException exception) when (!exception.IsCircuitOpen && (exception.IsRetryable || exception.IsNotFound))
        {
            LogProviderError(logger, exception, task.SessionId, "confirm");
            if (GaveUp(task, now, exception.Message) is { } timeout)
            {
                return timeout;
            }
        }
        catch (ProviderApiException exception)
        {
            return Failed(task, exception, "check the live input", now);
        }

        return t => t.StillConnecting(now, Options.ConnectPollAfter(now - task.RequestedAt));
    }

    /// <summary>
    /// A start that gave up (or failed) while the session runs on Agora: delete the converter and disable
    /// the input now, so no paid relay runs unused until the stop. The stop still reports the relay stopped.
    /// </summary>
    private async Task<Action<RelayTask>> ReleaseAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        try
        {
            await TearDownAsync(task, converterDeleted: null, cancellationToken);
            LogReleased(logger, task.SessionId);
            return t => t.Released();
        }
        catch (ProviderApiException exception) when ((exception.IsRetryable || exception.IsCircuitOpen) && task.Attempts + 1 < Options.StopAttempts)
        {
            LogProviderError(logger, exception, task.SessionId, "release");
            var delay = RetryDelay.For(task.Attempts, exception.RetryAfter);
            return t => t.RetryLater(exception.Message, now, delay);
        }
        catch (ProviderApiException exception)
        {
            return t => t.Released($"release not confirmed ({exception.Message}); the stop tries again");
        }
    }

    /// <summary>Deletes the converter (found by name when its id was never recorded) and disables the live input.</summary>
    /// <param name="converterDeleted">Called once the converter is gone, before the input is disabled.</param>
    private async Task TearDownAsync(RelayTask task, Action? converterDeleted, CancellationToken cancellationToken)
    {
        var converterId = task.ConverterId;
        if (converterId is null && task.State is not (RelayTaskState.Pending or RelayTaskState.NotRequired) && task.ChannelName.Length > 0)
        {
            // The converter may exist without its id recorded (a crash right after creating it).
            converterId = (await mediaPush.FindByNameAsync(task.ChannelName, task.ConverterName, cancellationToken))?.ConverterId;
        }

        if (converterId is not null)
        {
            await IgnoreNotFoundAsync(() => mediaPush.DeleteAsync(converterId, cancellationToken));
        }

        converterDeleted?.Invoke();
        if (task.LiveInputUid is { } uid)
        {
            await IgnoreNotFoundAsync(() => cloudflare.DisableLiveInputAsync(uid, cancellationToken));
        }
    }

    private async Task<Action<RelayTask>> StopAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var converterGone = false;
        try
        {
            await TearDownAsync(task, () => converterGone = true, cancellationToken);
            LogStopped(logger, task.SessionId);
            return t =>
            {
                t.ConverterDeleted();
                t.Stopped(now, Options.InputRetention);
            };
        }
        catch (ProviderApiException exception) when ((exception.IsRetryable || exception.IsCircuitOpen) && task.Attempts + 1 < Options.StopAttempts)
        {
            LogProviderError(logger, exception, task.SessionId, "stop");
            var delay = RetryDelay.For(task.Attempts, exception.RetryAfter);
            return t =>
            {
                if (converterGone)
                {
                    t.ConverterDeleted();
                }

                t.RetryLater(exception.Message, now, delay);
            };
        }
        catch (ProviderApiException exception)
        {
            var note = $"teardown not confirmed ({exception.Message}); check converter {task.ConverterName} and live input {task.LiveInputUid}";
            return t => t.Stopped(now, Options.InputRetention, note);
        }
    }

    private async Task<Action<RelayTask>> DeleteInputAsync(RelayTask task, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        try
        {
            await IgnoreNotFoundAsync(() => cloudflare.DeleteLiveInputAsync(task.LiveInputUid!, cancellationToken));
            return t => t.InputDeletedAfterRetention();
        }
        catch (ProviderApiException exception)
        {
            var delay = RetryDelay.For(task.Attempts, exception.RetryAfter, TimeSpan.FromMinutes(10));
            return t => t.RetryLater(exception.Message, now, delay);
        }
    }

    private async Task<LiveInput?> FindInputOfAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var inputs = await cloudflare.ListLiveInputsAsync(cancellationToken: cancellationToken);
        return inputs.LiveInputs.FirstOrDefault(input =>
            input.Meta is { ValueKind: JsonValueKind.Object } meta
            && meta.TryGetProperty("sessionId", out var id)
            && id.ValueKind == JsonValueKind.String
            && id.GetString() == sessionId.ToString());
    }

    private Action<RelayTask>? GaveUp(RelayTask task, DateTimeOffset now, string? what = null)
    {
        if (now < task.StartGiveUpAt)
        {
            return null;
        }

        var reason = $"The CDN relay did not start within {Options.GiveUpAfter.TotalSeconds:0} s "
            + $"(the {Options.StartDeadline.TotalSeconds:0} s deadline and {Options.LateStartGrace.TotalSeconds:0} s of grace; {what ?? task.LastError ?? "no answer"}).";
        return t => t.Fail(reason, now);
    }

    private Action<RelayTask> Failed(RelayTask task, ProviderApiException exception, string what, DateTimeOffset now)
    {
        LogProviderError(logger, exception, task.SessionId, what);
        var provider = exception.Provider == "agora" ? "Agora" : "Cloudflare Stream";
        if (exception.IsCircuitOpen)
        {
            var unavailable = $"{provider} is unavailable (its circuit breaker is open after repeated failures); could not {what}.";
            if (now < task.StartGiveUpAt)
            {
                // Buyers move to Agora now; the start goes on, so the session returns to hybrid if it succeeds in time.
                var pause = RetryDelay.For(task.Attempts, exception.RetryAfter);
                return t => t.FailingForNow(unavailable, now, pause);
            }

            return t => t.Fail(unavailable, now);
        }

        if (exception.IsRetryable && now < task.StartGiveUpAt)
        {
            var delay = RetryDelay.For(task.Attempts, exception.RetryAfter);
            return t => t.RetryLater(exception.Message, now, delay);
        }

        var detail = exception.StatusCode is { } status ? $"HTTP {status}: {exception.Message}" : exception.Message;
        return t => t.Fail($"Could not {what}: {provider} answered {detail}", now);
    }

    private static async Task IgnoreNotFoundAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (ProviderApiException exception) when (exception.IsNotFound)
        {
            // Already gone: the goal of the call.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: live input {LiveInputUid} created")]
    private static partial void LogInputCreated(ILogger logger, Guid sessionId, string liveInputUid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: Media Push converter {ConverterId} forwarding (reused: {Reused})")]
    private static partial void LogForwarding(ILogger logger, Guid sessionId, string converterId, bool reused);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: live input {LiveInputUid} connected; relay live")]
    private static partial void LogLive(ILogger logger, Guid sessionId, string liveInputUid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: the relay gave up; its converter is deleted and its live input disabled until the stop")]
    private static partial void LogReleased(ILogger logger, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: relay torn down")]
    private static partial void LogStopped(ILogger logger, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: relay step '{Step}' failed")]
    private static partial void LogProviderError(ILogger logger, Exception exception, Guid sessionId, string step);
}
