using FluentValidation;
using HybridStreaming.Channels.Api.Domain;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

public sealed record ChannelResponse(
    Guid Id,
    string Title,
    string Description,
    string SellerId,
    string AgoraChannelName,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ChannelResponse From(Channel channel) => new(
        channel.Id, channel.Title, channel.Description, channel.SellerId, channel.AgoraChannelName, channel.CreatedAt, channel.UpdatedAt);
}

/// <summary>The rules for a channel's text, shared by create and update.</summary>
internal static class ChannelRules
{
    public static IRuleBuilderOptions<T, string?> ValidTitle<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage($"Title is required (1–{Channel.TitleMaxLength} characters).")
            .MaximumLength(Channel.TitleMaxLength).WithMessage($"Title must be at most {Channel.TitleMaxLength} characters.");

    public static IRuleBuilderOptions<T, string?> ValidDescription<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(Channel.DescriptionMaxLength).WithMessage($"Description must be at most {Channel.DescriptionMaxLength} characters.");
}
