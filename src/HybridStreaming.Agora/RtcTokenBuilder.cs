using System.Globalization;
using System.Security.Cryptography;
using HybridStreaming.ServiceDefaults.Providers;

namespace HybridStreaming.Agora;

/// <summary>RTC roles of RtcTokenBuilder2.</summary>
public enum RtcRole
{
    /// <summary>Join, publish audio, video and data streams.</summary>
    Publisher = 1,

    /// <summary>Join only (matters only when Agora enables co-host authentication).</summary>
    Subscriber = 2,
}

/// <summary>
/// Mints AccessToken2 ("007") RTC tokens, mirroring Agora's RtcTokenBuilder2. Expiries are
/// <b>durations</b> after now (not timestamps, unlike the legacy "006" builders); Agora's builders
/// advise at most 24 hours per privilege. Unlike Agora's builders, which return "" for a bad app id or
/// certificate, this one throws <see cref="ArgumentException"/> naming the bad argument.
/// </summary>
public sealed class RtcTokenBuilder
{
    private readonly TimeProvider time;
    private readonly Func<uint> salt;

    public RtcTokenBuilder(TimeProvider timeProvider)
        : this(timeProvider, static () => (uint)RandomNumberGenerator.GetInt32(1, 100_000_000))
    {
    }

    /// <summary>Seam for the official test vectors (fixed issueTs through the clock, fixed salt).</summary>
    internal RtcTokenBuilder(TimeProvider timeProvider, Func<uint> salt)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        time = timeProvider;
        this.salt = salt;
    }

    /// <summary>Token for a numeric uid; uid 0 means "any uid" (the uid is packed as "").</summary>
    public string BuildTokenWithUid(
        string appId, string appCertificate, string channelName, uint uid, RtcRole role, TimeSpan tokenExpire, TimeSpan privilegeExpire) =>
        BuildTokenWithUserAccount(appId, appCertificate, channelName, UidText(uid), role, tokenExpire, privilegeExpire);

    /// <summary>Token for a user account (string uid).</summary>
    public string BuildTokenWithUserAccount(
        string appId, string appCertificate, string channelName, string account, RtcRole role, TimeSpan tokenExpire, TimeSpan privilegeExpire)
    {
        var privilege = Seconds(privilegeExpire, nameof(privilegeExpire));
        var privileges = new Dictionary<ushort, uint> { [AccessToken2.PrivilegeJoinChannel] = privilege };
        switch (role)
        {
            case RtcRole.Publisher:
                privileges[AccessToken2.PrivilegePublishAudioStream] = privilege;
                privileges[AccessToken2.PrivilegePublishVideoStream] = privilege;
                privileges[AccessToken2.PrivilegePublishDataStream] = privilege;
                break;
            case RtcRole.Subscriber:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(role), role, "role must be Publisher or Subscriber.");
        }

        return Build(appId, appCertificate, channelName, account, tokenExpire, privileges);
    }

    /// <summary>Token with each privilege's own lifetime (RtcTokenBuilder2.buildTokenWithUidAndPrivilege).</summary>
    public string BuildTokenWithUidAndPrivilege(
        string appId, string appCertificate, string channelName, uint uid, TimeSpan tokenExpire,
        TimeSpan joinChannelPrivilegeExpire, TimeSpan publishAudioPrivilegeExpire,
        TimeSpan publishVideoPrivilegeExpire, TimeSpan publishDataStreamPrivilegeExpire) =>
        BuildTokenWithUserAccountAndPrivilege(appId, appCertificate, channelName, UidText(uid), tokenExpire,
            joinChannelPrivilegeExpire, publishAudioPrivilegeExpire, publishVideoPrivilegeExpire, publishDataStreamPrivilegeExpire);

    /// <summary>Token with each privilege's own lifetime, for a user account.</summary>
    public string BuildTokenWithUserAccountAndPrivilege(
        string appId, string appCertificate, string channelName, string account, TimeSpan tokenExpire,
        TimeSpan joinChannelPrivilegeExpire, TimeSpan publishAudioPrivilegeExpire,
        TimeSpan publishVideoPrivilegeExpire, TimeSpan publishDataStreamPrivilegeExpire)
    {
        var privileges = new Dictionary<ushort, uint>
        {
            [AccessToken2.PrivilegeJoinChannel] = Seconds(joinChannelPrivilegeExpire, nameof(joinChannelPrivilegeExpire)),
            [AccessToken2.PrivilegePublishAudioStream] = Seconds(publishAudioPrivilegeExpire, nameof(publishAudioPrivilegeExpire)),
            [AccessToken2.PrivilegePublishVideoStream] = Seconds(publishVideoPrivilegeExpire, nameof(publishVideoPrivilegeExpire)),
            [AccessToken2.PrivilegePublishDataStream] = Seconds(publishDataStreamPrivilegeExpire, nameof(publishDataStreamPrivilegeExpire)),
        };
        return Build(appId, appCertificate, channelName, account, tokenExpire, privileges);
    }

    private string Build(
        string appId, string appCertificate, string channelName, string account, TimeSpan tokenExpire, Dictionary<ushort, uint> privileges)
    {
        RequireHex32(appId, nameof(appId));
        RequireHex32(appCertificate, nameof(appCertificate));
        ArgumentNullException.ThrowIfNull(channelName);
        ArgumentNullException.ThrowIfNull(account);
        if (channelName.Length is 0 or > 64)
        {
            throw new ArgumentException($"channelName must be 1–64 characters (got {channelName.Length}).", nameof(channelName));
        }

        if (account.Length > 255)
        {
            throw new ArgumentException($"account must be at most 255 characters (got {account.Length}).", nameof(account));
        }

        var expire = Seconds(tokenExpire, nameof(tokenExpire));
        var issueTs = checked((uint)time.GetUtcNow().ToUnixTimeSeconds());
        return AccessToken2.BuildRtc(appId, appCertificate, issueTs, salt(), expire, channelName, account, privileges);
    }

    private static string UidText(uint uid) => uid == 0 ? "" : uid.ToString(CultureInfo.InvariantCulture);

    private static uint Seconds(TimeSpan duration, string name)
    {
        // Whole seconds; what 0 means to Agora is not documented, so a lifetime must be at least 1 s.
        if (duration < TimeSpan.FromSeconds(1) || duration.TotalSeconds > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(name, duration, $"{name} is a duration after now and must be at least 1 second.");
        }

        return (uint)duration.TotalSeconds;
    }

    private static void RequireHex32(string value, string name)
    {
        if (value is null || !ConfigurationProblems.IsHex(value, 32, 32))
        {
            throw new ArgumentException($"{name} must be exactly 32 hexadecimal characters (got {value?.Length ?? 0} characters).", name);
        }
    }
}
