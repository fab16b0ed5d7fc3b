using FluentAssertions;
using HybridStreaming.Channels.Api.Application;
using HybridStreaming.Channels.Api.Application.Features.Channels;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Xunit;

namespace HybridStreaming.Channels.Tests;

/// <summary>
/// The channel list's query values (validated before the handler runs, so a bad one is a 400 naming the
/// field) and its viewer counts when Redis is unreachable (left out, never an error). The ordering and
/// paging in SQL are covered end to end (ViewerTests).
/// </summary>
public sealed class ChannelListTests
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bad_paging_or_live_filter_values_are_refused_per_field_before_the_handler_runs()
    {
        var validation = new ValidationBehavior<ListChannels, Result<IReadOnlyList<ChannelResponse>>>([new ListChannelsValidator()]);
        var handled = false;

        var list = async () => await validation.Handle(
            new ListChannels(SellerId: null, Offset: -1, Limit: 201, Live: "maybe"),
            (_, _) =>
            {
                handled = true;
                return ValueTask.FromResult<Result<IReadOnlyList<ChannelResponse>>>(new List<ChannelResponse>());
            },
            CancellationToken);

        var refused = (await list.Should().ThrowAsync<RequestValidationException>()).Which;
        refused.Errors.Keys.Should().BeEquivalentTo(["offset", "limit", "live"]);
        refused.Errors["live"].Should().ContainSingle().Which.Should().Contain("'true'").And.Contain("'false'");
        handled.Should().BeFalse();
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("true", true)]
    [InlineData("False", false)]
    public void The_live_filter_is_true_false_or_left_out(string? live, bool? hasActiveSession)
    {
        var query = new ListChannels(SellerId: null, Live: live);

        new ListChannelsValidator().Validate(query).IsValid.Should().BeTrue();
        query.HasActiveSession.Should().Be(hasActiveSession);
    }

    [Fact]
    public async Task The_viewer_counts_of_a_page_are_null_when_Redis_is_unreachable_and_not_asked_for_without_sessions()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:1,abortConnect=false,connectTimeout=200,asyncTimeout=500,syncTimeout=500");
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new Api.Infrastructure.ChannelsMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        var presence = new ViewerPresence(redis, new ChannelsOptions(), metrics, NullLogger<ViewerPresence>.Instance);

        var withoutSessions = await presence.CountsAsync([]);
        var unreachable = await presence.CountsAsync([Guid.NewGuid(), Guid.NewGuid()]);

        withoutSessions.Should().BeEmpty();
        unreachable.Should().BeNull("the list then answers without counts, as the status does");
    }
}
