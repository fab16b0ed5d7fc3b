namespace HybridStreaming.Channels.Api.Application;

public enum RtcRole
{
    Publisher,
    Subscriber,
}

public sealed record RtcToken(string Token, DateTimeOffset ExpiresAt);

/// <summary>What the Channel API needs from Agora RTC: the app id clients join with, and AccessToken2 tokens.</summary>
public interface IAgoraRtc
{
    string AppId { get; }

    RtcToken IssueToken(string channelName, uint uid, RtcRole role, TimeSpan lifetime);
}
