namespace HybridStreaming.Channels.Api.Domain;

/// <summary>
/// A user's Agora RTC uid: a stable non-zero 32-bit number, minted once per user (the JWT <c>sub</c>)
/// and stored — never hashed on the fly. Random in 1…1,999,999,999. Audience members get an
/// ephemeral uid instead (2,000,000,000…3,999,999,999, never stored: thousands of buyers must not grow
/// the table); 4,000,000,000 and up are reserved for recorders.
/// </summary>
public sealed class RtcIdentity
{
    public const uint MinUid = 1;
    public const uint MaxUid = 1_999_999_999;
    public const uint MinEphemeralUid = 2_000_000_000;
    public const uint MaxEphemeralUid = 3_999_999_999;

    private RtcIdentity()
    {
    }

    public string UserId { get; private set; } = "";

    public uint Uid { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static RtcIdentity Mint(string userId, Func<uint> random, DateTimeOffset now) => new()
    {
        UserId = userId,
        Uid = random(),
        CreatedAt = now,
    };
}
