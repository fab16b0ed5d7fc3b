using System.Security.Cryptography;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HybridStreaming.Channels.Api.Application;

/// <summary>Each seller's stable Agora uid, minted on first use; audience members' ephemeral ones.</summary>
public sealed class RtcIdentities(ChannelsDbContext db, TimeProvider clock)
{
    /// <summary>A random uid in the audience range, not stored (see <see cref="RtcIdentity"/>).</summary>
    public static uint Ephemeral() =>
        RtcIdentity.MinEphemeralUid + (uint)RandomNumberGenerator.GetInt32(0, (int)(RtcIdentity.MaxEphemeralUid - RtcIdentity.MinEphemeralUid) + 1);

    public async Task<uint> UidOfAsync(string userId, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await db.RtcIdentities.AsNoTracking().FirstOrDefaultAsync(i => i.UserId == userId, cancellationToken) is { } existing)
            {
                return existing.Uid;
            }

            var identity = RtcIdentity.Mint(
                userId,
                () => (uint)RandomNumberGenerator.GetInt32((int)RtcIdentity.MinUid, (int)RtcIdentity.MaxUid + 1),
                clock.GetUtcNow());
            db.RtcIdentities.Add(identity);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return identity.Uid;
            }
            catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // The same user minted concurrently, or (rarely) the random uid is taken: look again.
                db.Entry(identity).State = EntityState.Detached;
            }
        }

        throw new InvalidOperationException($"Could not mint an RTC uid for user {userId}.");
    }
}
