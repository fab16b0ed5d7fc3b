using FluentAssertions;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;
using Xunit;

namespace HybridStreaming.Channels.Tests;

public sealed class HybridRolloutPolicyTests
{
    private static readonly IReadOnlySet<Guid> None = new HashSet<Guid>();

    [Fact]
    public void Everything_is_hybrid_at_100_percent_and_nothing_when_switched_off()
    {
        var channel = Guid.NewGuid();

        new HybridRolloutPolicy(true, 100, None, None).Decide(channel).Mode.Should().Be(StreamMode.Hybrid);
        var off = new HybridRolloutPolicy(false, 100, None, None).Decide(channel);
        off.Mode.Should().Be(StreamMode.AgoraOnly);
        off.Reason.Should().Contain("HYBRID_ENABLED");
    }

    [Fact]
    public void The_deny_list_wins_over_everything_and_the_allow_list_over_the_percentage()
    {
        var channel = Guid.NewGuid();

        new HybridRolloutPolicy(true, 100, new HashSet<Guid> { channel }, new HashSet<Guid> { channel }).Decide(channel)
            .Mode.Should().Be(StreamMode.AgoraOnly);
        new HybridRolloutPolicy(true, 0, new HashSet<Guid> { channel }, None).Decide(channel).Mode.Should().Be(StreamMode.Hybrid);
    }

    [Fact]
    public void A_percentage_selects_about_that_share_of_channels_and_always_the_same_ones()
    {
        var channels = Enumerable.Range(0, 4000).Select(i => new Guid(i, 7, 7, [1, 2, 3, 4, 5, 6, 7, 8])).ToList();
        var policy = new HybridRolloutPolicy(true, 25, None, None);

        var hybrid = channels.Count(c => policy.Decide(c).Mode == StreamMode.Hybrid);

        ((double)hybrid / channels.Count).Should().BeApproximately(0.25, 0.03);
        channels.Select(c => policy.Decide(c).Mode).Should().Equal(channels.Select(c => policy.Decide(c).Mode), "the decision depends only on the channel id");
        // Computed independently (Python: sha256 of the 32 hex digits, first 4 bytes little-endian, mod 100):
        // the same in every process and release, unlike string.GetHashCode.
        HybridRolloutPolicy.Bucket(Guid.Parse("0b3f8c3e-8a51-4d0c-9b3a-2f4b1e5d6c7a")).Should().Be(21);
    }
}
