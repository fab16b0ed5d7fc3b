using FluentAssertions;
using HybridStreaming.Emulators.Common.Webhooks;
using Xunit;

namespace HybridStreaming.Emulators.Tests.Agora;

/// <summary><c>AGORA_NCS_EVENTS</c>: the events a project subscribes to in Agora Console; the rest are never sent.</summary>
public sealed class NcsSubscriptionTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" , ")]
    [InlineData("*")]
    [InlineData("1.103,*")]
    public void No_list_or_a_star_subscribes_to_every_event(string? list)
    {
        var subscription = WebhookSubscription.Parse(list);

        subscription.Text.Should().Be("*");
        subscription.Includes("1.101").Should().BeTrue();
        subscription.Includes("3.40").Should().BeTrue();
    }

    [Fact]
    public void A_list_subscribes_to_its_events_and_globs_alone()
    {
        var subscription = WebhookSubscription.Parse(" 1.103, 1.104 ,5.*");

        subscription.Text.Should().Be("1.103,1.104,5.*");
        subscription.Includes("1.103").Should().BeTrue();
        subscription.Includes("1.104").Should().BeTrue();
        subscription.Includes("5.3").Should().BeTrue();
        subscription.Includes("1.1030").Should().BeFalse("a name matches whole, not as a prefix");
        subscription.Includes("1.105").Should().BeFalse();
        subscription.Includes("3.40").Should().BeFalse();
    }
}
