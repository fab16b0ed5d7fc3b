namespace HybridStreaming.ServiceDefaults;

/// <summary>
/// Resource names shared by the AppHost and the services. They become configuration keys exactly as
/// .NET Aspire names them: <c>ConnectionStrings__{name}</c> and <c>services__{name}__http__0</c>.
/// </summary>
public static class KnownResources
{
    public const string Postgres = "postgres";
    public const string ChannelsDatabase = "channelsdb";
    public const string RecordingsDatabase = "recordingsdb";
    public const string RelaysDatabase = "relaysdb";
    public const string CostsDatabase = "costsdb";
    public const string Redis = "redis";
    public const string RabbitMq = "rabbitmq";

    public const string AgoraEmulator = "agora-emulator";
    public const string CloudflareEmulator = "cloudflare-emulator";

    public const string ChannelsApi = "channels-api";
    public const string RecordingWorker = "recording-worker";
    public const string RelayWorker = "relay-worker";
    public const string CostApi = "cost-api";
    public const string Gateway = "gateway";
}
