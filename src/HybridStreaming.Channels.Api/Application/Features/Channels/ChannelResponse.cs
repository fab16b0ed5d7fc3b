using FluentValidation;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Contracts;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

/// <param name="Live">The channel's active session (starting, live or stopping); null when it has none.</param>
public sealed record ChannelResponse(
    Guid Id,
    string Title,
    string Description,
    string SellerId,
    string AgoraChannelName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ChannelLive? Live)
{
    public static ChannelResponse From(Channel channel, ChannelLive? live) => new(
        channel.Id, channel.Title, channel.Description, channel.SellerId, channel.AgoraChannelName, channel.CreatedAt, channel.UpdatedAt, live);
}

/// <summary>A channel's active session as the directory shows it; state and mode are spelled as in its status.</summary>
/// <param name="State"><c>starting</c>, <c>live</c> or <c>stopping</c>.</param>
/// <param name="Viewers">Viewers watching now (from presence); null when they cannot be read (Redis unreachable).</param>
public sealed record ChannelLive(Guid SessionId, string State, StreamMode Mode, DateTimeOffset StartedAt, DateTimeOffset? LiveAt, int? Viewers);

/// <summary>The rules for a channel's text, shared by create and update.</summary>
internal static class ChannelRules
{
    public static IRuleBuilderOptions<T, string?> ValidTitle<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage($"Title is required (1–{Channel.TitleMaxLength} characters).")
            .MaximumLength(Channel.TitleMaxLength).WithMessage($"Title must be at most {Channel.TitleMaxLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidDescription<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(Channel.DescriptionMaxLength).WithMessage($"Description must be at most {Channel.DescriptionMaxLength} characters.");
}
