using System.Text.Json.Nodes;
using HybridStreaming.Emulators.Agora.Notifications;

namespace HybridStreaming.Emulators.Agora.Channels;

/// <summary>
/// The project's RTC channels. Joins and leaves raise the NCS channel events (101 create, 102 destroy,
/// 103/104 broadcaster join/leave, 105/106 audience join/leave for recorders) and tell the media side,
/// recordings and converters through <see cref="Changed"/>. One lock (<see cref="Sync"/>) serialises
/// every change of the Agora emulator's state.
/// </summary>
public sealed class ChannelRegistry(NcsNotifier ncs, TimeProvider time)
{
    public const int LinuxPlatform = 6;
    public const int CloudRecordingClient = 10;
    private readonly Dictionary<string, Channel> _channels = new(StringComparer.Ordinal);

    public Lock Sync { get; } = new();

    /// <summary>Raised (inside the lock) after anything about a channel changed: participants or media.</summary>
    public event Action<string>? Changed;

    /// <summary>Media on: starts/stops the channel's encoder when broadcasters come and go.</summary>
    public Action<Channel, bool>? MediaSwitch { get; set; }

    public IReadOnlyList<Channel> All => [.. _channels.Values];

    public Channel? Find(string name) => _channels.GetValueOrDefault(name);

    public Channel? FindByStream(string streamName) => _channels.Values.FirstOrDefault(c => c.StreamName == streamName);

    public bool JoinBroadcaster(string name, uint uid, int platform)
    {
        var channel = GetOrCreate(name);
        if (channel.Broadcasters.ContainsKey(uid))
        {
            return false;
        }

        channel.Broadcasters[uid] = new Participant(uid, time.GetUtcNow(), platform, 0);
        ncs.Send(NcsNotifier.RtcProduct, 103, UserPayload(channel, uid, platform, 0));
        if (channel.Broadcasters.Count == 1)
        {
            MediaSwitch?.Invoke(channel, true);
        }

        Changed?.Invoke(name);
        return true;
    }

    /// <param name="reason">1 quit, 2 timeout, 3 kicked, 5 new device, 10 network, 12 token expired, 999 abnormal.</param>
    public bool LeaveBroadcaster(string name, uint uid, int reason)
    {
        if (Find(name) is not { } channel || !channel.Broadcasters.Remove(uid, out var participant))
        {
            return false;
        }

        var payload = UserPayload(channel, uid, participant.Platform, 0);
        payload["reason"] = reason;
        payload["duration"] = (long)(time.GetUtcNow() - participant.JoinedAt).TotalSeconds;
        ncs.Send(NcsNotifier.RtcProduct, 104, payload);
        if (channel.Broadcasters.Count == 0)
        {
            MediaSwitch?.Invoke(channel, false);
        }

        Changed?.Invoke(name);
        DestroyIfEmpty(channel, uid);
        return true;
    }

    public void JoinBot(string name, uint uid)
    {
        var channel = GetOrCreate(name);
        if (channel.Bots.TryAdd(uid, new Participant(uid, time.GetUtcNow(), LinuxPlatform, CloudRecordingClient)))
        {
            ncs.Send(NcsNotifier.RtcProduct, 105, UserPayload(channel, uid, LinuxPlatform, CloudRecordingClient));
            Changed?.Invoke(name);
        }
    }

    public void LeaveBot(string name, uint uid)
    {
        if (Find(name) is not { } channel || !channel.Bots.Remove(uid, out var participant))
        {
            return;
        }

        var payload = UserPayload(channel, uid, LinuxPlatform, CloudRecordingClient);
        payload["reason"] = 1;
        payload["duration"] = (long)(time.GetUtcNow() - participant.JoinedAt).TotalSeconds;
        ncs.Send(NcsNotifier.RtcProduct, 106, payload);
        Changed?.Invoke(name);
        DestroyIfEmpty(channel, uid);
    }

    /// <summary>The channel's stream reached (or left) the internal RTMP server.</summary>
    public void SetMediaLive(Channel channel, bool live)
    {
        if (channel.MediaLive != live)
        {
            channel.MediaLive = live;
            Changed?.Invoke(channel.Name);
        }
    }

    private Channel GetOrCreate(string name)
    {
        if (_channels.TryGetValue(name, out var channel))
        {
            return channel;
        }

        channel = new Channel(name);
        _channels[name] = channel;
        ncs.Send(NcsNotifier.RtcProduct, 101, new JsonObject { ["channelName"] = name, ["ts"] = Now });
        return channel;
    }

    private void DestroyIfEmpty(Channel channel, uint lastUid)
    {
        if (channel.IsEmpty && _channels.Remove(channel.Name))
        {
            ncs.Send(NcsNotifier.RtcProduct, 102, new JsonObject { ["channelName"] = channel.Name, ["ts"] = Now, ["lastUid"] = lastUid });
            Changed?.Invoke(channel.Name);
        }
    }

    private JsonObject UserPayload(Channel channel, uint uid, int platform, int clientType)
    {
        var payload = new JsonObject
        {
            ["channelName"] = channel.Name,
            ["uid"] = uid,
            ["platform"] = platform,
            ["clientSeq"] = ++channel.ClientSeq,
            ["ts"] = Now,
        };
        if (platform == LinuxPlatform)
        {
            payload["clientType"] = clientType;
        }

        return payload;
    }

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();
}
