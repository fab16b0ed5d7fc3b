using HybridStreaming.Emulators.Common;

namespace HybridStreaming.Emulators.CloudflareStream.Domain;

/// <summary>The account's live inputs, videos and video webhook, in memory. One lock keeps each change whole.</summary>
public sealed class StreamStore(SecretMasker secrets)
{
    public Lock Sync { get; } = new();

    public Dictionary<string, LiveInput> Inputs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Video> Videos { get; } = new(StringComparer.Ordinal);

    public string? WebhookUrl { get; set; }

    public DateTimeOffset? WebhookModified { get; set; }

    // Stream key → input, so a publish is a lookup rather than a scan of every input the account ever
    // had (inputs stay after their session ends). Entries of rotated keys and deleted inputs are
    // dropped when they are next looked up.
    private readonly Dictionary<string, LiveInput> _byStreamKey = new(StringComparer.Ordinal);

    /// <summary>Inside the lock: registers the input's current stream key (after creating it or rotating its keys).</summary>
    public void IndexStreamKey(LiveInput input) => _byStreamKey[input.Keys.StreamKey] = input;

    /// <summary>Inside the lock: the input whose current stream key this is (rotated and unknown keys find nothing).</summary>
    public LiveInput? ByStreamKey(string key)
    {
        if (!_byStreamKey.TryGetValue(key, out var input))
        {
            return null;
        }

        if (input.Keys.StreamKey != key || !Inputs.TryGetValue(input.Uid, out var current) || !ReferenceEquals(current, input))
        {
            _byStreamKey.Remove(key);
            return null;
        }

        return input;
    }

    /// <summary>A live input uid or a video uid.</summary>
    public (LiveInput? Input, Video? Video) Playable(string uid)
    {
        if (Inputs.TryGetValue(uid, out var input))
        {
            return (input, input.IsLive ? input.Current : null);
        }

        return Videos.TryGetValue(uid, out var video) ? (Inputs.GetValueOrDefault(video.LiveInputUid), video) : (null, null);
    }

    /// <summary>New credentials, registered with the log masker before anyone sees them.</summary>
    public Credentials NewCredentials()
    {
        // Cloudflare's keys look like 32 hex digits, 'k', 32 hex digits.
        var credentials = new Credentials(
            Ids.Hex32() + "k" + Ids.Hex32(), Ids.Hex32() + "k" + Ids.Hex32(),
            Ids.Hex32(), Ids.Hex32(), Ids.Hex32(), Ids.Hex32(), Ids.Hex32() + Ids.Hex32());
        foreach (var secret in new[] { credentials.StreamKey, credentials.PlaybackKey, credentials.SrtPassphrase, credentials.SrtPlaybackPassphrase, credentials.WebRtcSecret })
        {
            secrets.Add(secret);
        }

        return credentials;
    }
}
