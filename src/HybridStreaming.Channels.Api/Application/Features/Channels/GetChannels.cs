using FluentValidation;
using HybridStreaming.Channels.Api.Application.Features.Live;
using HybridStreaming.Channels.Api.Domain;
using HybridStreaming.Channels.Api.Infrastructure;
using HybridStreaming.Contracts;
using Mediator;
using Microsoft.EntityFrameworkCore;

namespace HybridStreaming.Channels.Api.Application.Features.Channels;

public sealed record GetChannel(Guid Id) : IQuery<Result<ChannelResponse>>;

public sealed class GetChannelHandler(ChannelDirectory directory) : IQueryHandler<GetChannel, Result<ChannelResponse>>
{
    public async ValueTask<Result<ChannelResponse>> Handle(GetChannel query, CancellationToken cancellationToken) =>
        await directory.FindAsync(query.Id, cancellationToken) is { } channel
            ? channel
            : Error.NotFound("Channel", query.Id);
}

/// <param name="SellerId">Only this seller's channels.</param>
/// <param name="Live"><c>true</c>: only channels with an active session; <c>false</c>: only those without; left out: all.</param>
public sealed record ListChannels(string? SellerId, int Offset = 0, int Limit = 50, string? Live = null) : IQuery<Result<IReadOnlyList<ChannelResponse>>>
{
    /// <summary>The <see cref="Live"/> filter as read (once validated): null for every channel.</summary>
    public bool? HasActiveSession => bool.TryParse(Live, out var live) ? live : null;
}

public sealed class ListChannelsValidator : AbstractValidator<ListChannels>
{
    public ListChannelsValidator()
    {
        RuleFor(q => q.Offset).GreaterThanOrEqualTo(0).WithMessage("Offset must be 0 or more.");
        RuleFor(q => q.Limit).InclusiveBetween(1, 200).WithMessage("Limit must be from 1 to 200.");
        RuleFor(q => q.Live).Must(live => string.IsNullOrEmpty(live) || bool.TryParse(live, out _))
            .WithMessage("Live must be 'true' (only channels with an active session) or 'false' (only those without), or left out.");
    }
}

public sealed class ListChannelsHandler(ChannelDirectory directory) : IQueryHandler<ListChannels, Result<IReadOnlyList<ChannelResponse>>>
{
    public async ValueTask<Result<IReadOnlyList<ChannelResponse>>> Handle(ListChannels query, CancellationToken cancellationToken) =>
        await directory.ListAsync(query, cancellationToken);
}

/// <summary>
/// Channels as buyers find them: each with its active session (starting, live or stopping), if any, and
/// that session's viewers now. One query — channels left-joined to their active session, of which the
/// unique index <c>ux_stream_sessions_active_channel</c> allows at most one, so a page counts channels —
/// and one Redis round trip for the viewers of every session on the page. Viewers the presence cannot
/// read (Redis unreachable) are null, as in the status; the channels are answered all the same.
/// </summary>
public sealed class ChannelDirectory(ChannelsDbContext db, ViewerPresence presence)
{
    public async Task<ChannelResponse?> FindAsync(Guid channelId, CancellationToken cancellationToken)
    {
        var found = await Project(WithActiveSession(db.Channels.AsNoTracking().Where(c => c.Id == channelId)))
            .FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (await WithViewersAsync([found]))[0];
    }

    /// <summary>
    /// A page of channels: live ones first, then the other active ones (starting, stopping), then the
    /// rest; newest first within each, then by id, so pages do not overlap.
    /// </summary>
    public async Task<List<ChannelResponse>> ListAsync(ListChannels query, CancellationToken cancellationToken)
    {
        var channels = db.Channels.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.SellerId))
        {
            channels = channels.Where(c => c.SellerId == query.SellerId);
        }

        var rows = WithActiveSession(channels);
        if (query.HasActiveSession is { } hasActiveSession)
        {
            rows = rows.Where(r => (r.Session != null) == hasActiveSession);
        }

        var page = await Project(rows
                .OrderBy(r => r.Session == null ? 2 : r.Session.State == SessionState.Live ? 0 : 1)
                .ThenByDescending(r => r.Channel.CreatedAt)
                .ThenBy(r => r.Channel.Id)
                .Skip(query.Offset)
                .Take(query.Limit))
            .ToListAsync(cancellationToken);
        return await WithViewersAsync(page);
    }

    private IQueryable<Row> WithActiveSession(IQueryable<Channel> channels) =>
        from channel in channels
        join session in db.Sessions.Where(StreamSession.Active)
            on channel.Id equals session.ChannelId into active
        from session in active.DefaultIfEmpty()
        select new Row { Channel = channel, Session = session };

    /// <summary>Only the session's columns the answer needs.</summary>
    private static IQueryable<Found> Project(IQueryable<Row> rows) =>
        rows.Select(r => new Found(
            r.Channel,
            r.Session == null ? null : new ActiveSession(r.Session.Id, r.Session.State, r.Session.Mode, r.Session.StartedAt, r.Session.LiveAt)));

    private async Task<List<ChannelResponse>> WithViewersAsync(IReadOnlyList<Found> found)
    {
        var sessions = found.Where(f => f.Session is not null).Select(f => f.Session!.Id).ToList();
        var viewers = await presence.CountsAsync(sessions);
        return found.Select(f => ChannelResponse.From(f.Channel, f.Session is { } session
                ? new ChannelLive(
                    session.Id,
                    Words.Of(session.State),
                    session.Mode,
                    session.StartedAt,
                    session.LiveAt,
                    viewers is not null && viewers.TryGetValue(session.Id, out var counts) ? counts.Current : null)
                : null))
            .ToList();
    }

    /// <summary>A channel and its active session, if any (the left join).</summary>
    private sealed class Row
    {
        public required Channel Channel { get; init; }

        public StreamSession? Session { get; init; }
    }

    private sealed record ActiveSession(Guid Id, SessionState State, StreamMode Mode, DateTimeOffset StartedAt, DateTimeOffset? LiveAt);

    private sealed record Found(Channel Channel, ActiveSession? Session);
}
