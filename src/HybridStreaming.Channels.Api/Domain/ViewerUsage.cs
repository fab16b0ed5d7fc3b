namespace HybridStreaming.Channels.Api.Domain;

/// <summary>How a buyer watches: HLS from the CDN, or as an Agora audience (agora-only sessions).</summary>
public enum DeliveryPath
{
    Hls,
    Agora,
}

/// <summary>What the viewers of one session used, as counted by presence.</summary>
/// <param name="Complete">False when part of the session could not be counted (Redis unreachable).</param>
public sealed record ViewerUsage(int PeakViewers, int UniqueViewers, decimal HlsMinutes, decimal AgoraMinutes, bool Complete)
{
    /// <summary>Nothing could be counted at all.</summary>
    public static readonly ViewerUsage Unknown = new(0, 0, 0, 0, false);

    public decimal TotalMinutes => HlsMinutes + AgoraMinutes;
}
