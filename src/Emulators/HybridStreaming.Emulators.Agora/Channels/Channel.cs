using HybridStreaming.Emulators.Common;

namespace HybridStreaming.Emulators.Agora.Channels;

public sealed record Participant(uint Uid, DateTimeOffset JoinedAt, int Platform, int ClientType);

/// <summary>An RTC channel: who is in it, and whether its media (the synthetic seller stream) is live.</summary>
public sealed class Channel(string name)
{
    public string Name { get; } = name;

    /// <summary>Name of the channel's stream on the internal RTMP server (channel names may hold characters RTMP names cannot).</summary>
    public string StreamName { get; } = Ids.Hex32();

    public Dictionary<uint, Participant> Broadcasters { get; } = [];

    /// <summary>Recorders: audience members on Linux with client type 10.</summary>
    public Dictionary<uint, Participant> Bots { get; } = [];

    public int ClientSeq { get; set; }

    /// <summary>The channel's media is published (media on: the encoder reached nginx; media off: a broadcaster is in).</summary>
    public bool MediaLive { get; set; }

    public HybridStreaming.Processes.ManagedProcess? Encoder { get; set; }

    public bool IsEmpty => Broadcasters.Count == 0 && Bots.Count == 0;
}
