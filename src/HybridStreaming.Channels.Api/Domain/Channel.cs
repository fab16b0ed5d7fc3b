namespace HybridStreaming.Channels.Api.Domain;

/// <summary>A seller's channel: what buyers find and watch. Sessions (go-lives) belong to it.</summary>
public sealed class Channel
{
    public const int TitleMaxLength = 120;
    public const int DescriptionMaxLength = 2000;

    private Channel()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The owner: the <c>sub</c> of the seller's access token.</summary>
    public string SellerId { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Description { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>
    /// The Agora channel name belongs to the channel, not the session: deterministic and Agora-safe,
    /// so a seller can join before going live.
    /// </summary>
    public string AgoraChannelName => AgoraChannelNameOf(Id);

    public static string AgoraChannelNameOf(Guid channelId) => "ch_" + channelId.ToString("N");

    public static bool TryParseAgoraChannelName(string name, out Guid channelId)
    {
        channelId = Guid.Empty;
        return name.StartsWith("ch_", StringComparison.Ordinal) && Guid.TryParseExact(name[3..], "N", out channelId);
    }

    public static Channel Create(string sellerId, string title, string? description, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        SellerId = sellerId,
        Title = title.Trim(),
        Description = description?.Trim() ?? "",
        CreatedAt = now,
        UpdatedAt = now,
    };

    public void Update(string title, string? description, DateTimeOffset now)
    {
        Title = title.Trim();
        Description = description?.Trim() ?? "";
        UpdatedAt = now;
    }

    public bool IsOwnedBy(string userId) => string.Equals(SellerId, userId, StringComparison.Ordinal);
}
