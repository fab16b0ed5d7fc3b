using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Contracts.Recording;
using HybridStreaming.Contracts.Relay;
using MassTransit;

namespace HybridStreaming.Channels.Api.Consumers;

// What the workers report moves the session along its state machine. Each consumer is thin: it hands
// the event to the session, whose guards make out-of-order and repeated deliveries harmless.

public sealed class RecordingStartedConsumer(SessionStore sessions) : IConsumer<RecordingStarted>
{
    public Task Consume(ConsumeContext<RecordingStarted> context) =>
        sessions.ApplyAsync(context.Message.SessionId, nameof(RecordingStarted),
            (session, now) => session.OnRecordingStarted(context.Message.ResourceId, context.Message.Sid, now), context.CancellationToken);
}

public sealed class RecordingFailedConsumer(SessionStore sessions) : IConsumer<RecordingFailed>
{
    public Task Consume(ConsumeContext<RecordingFailed> context) =>
        sessions.ApplyAsync(context.Message.SessionId, nameof(RecordingFailed),
            (session, now) => session.OnRecordingFailed(context.Message.Reason, now), context.CancellationToken);
}

public sealed class RecordingStoppedConsumer(SessionStore sessions) : IConsumer<RecordingStopped>
{
    public Task Consume(ConsumeContext<RecordingStopped> context) =>
        sessions.ApplyAsync(context.Message.SessionId, nameof(RecordingStopped),
            (session, now) => session.OnRecordingStopped(context.Message.Minutes, context.Message.Files.Length, now), context.CancellationToken);
}

public sealed class RelayStartedConsumer(SessionStore sessions, ChannelsOptions options) : IConsumer<RelayStarted>
{
    public Task Consume(ConsumeContext<RelayStarted> context) =>
        sessions.ApplyAsync(context.Message.SessionId, nameof(RelayStarted),
            (session, now) => session.OnRelayStarted(context.Message.LiveInputUid, context.Message.HlsPlaybackUrl, now, options.MaxModeSwitches),
            context.CancellationToken);
}

public sealed class RelayFailedConsumer(SessionStore sessions) : IConsumer<RelayFailed>
{
    public Task Consume(ConsumeContext<RelayFailed> context) =>
        sessions.ApplyAsync(context.Message.SessionId, nameof(RelayFailed),
            (session, now) => session.OnRelayFailed(context.Message.Reason, now), context.CancellationToken);
}

public sealed class RelayStoppedConsumer(SessionStore sessions) : IConsumer<RelayStopped>
{
    public Task Consume(ConsumeContext<RelayStopped> context) =>
        sessions.ApplyAsync(context.Message.SessionId, nameof(RelayStopped),
            (session, now) => session.OnRelayStopped(context.Message.Minutes, now), context.CancellationToken);
}
