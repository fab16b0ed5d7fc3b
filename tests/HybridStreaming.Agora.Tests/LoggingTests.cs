using System.Net;
using FluentAssertions;
using HybridStreaming.ProviderTesting;
using Xunit;

namespace HybridStreaming.Agora.Tests;

public sealed class LoggingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_secret_reaches_the_logs_even_at_trace_level()
    {
        var stub = new StubHttpHandler()
            .Respond(HttpStatusCode.ServiceUnavailable, """{"message":"overloaded"}""")
            .Respond(HttpStatusCode.OK, """{"resourceId":"RID-1","sid":"SID-1"}""")
            .Respond(HttpStatusCode.Conflict, """{"message":"Conflict"}""")
            .Respond(HttpStatusCode.OK, """{"success":true,"data":{"total_count":0,"cursor":0,"members":[]}}""");
        using var host = Agora.Host(stub);

        await host.Get<CloudRecordingClient>().StartAsync("RID-1", "shop_123", 527841, cancellationToken: Ct);
        await FluentActions.Awaiting(() => host.Get<MediaPushClient>().CreateOrReuseAsync(
            new MediaPushRawConverter("ch_1_relay", "ch_1", 201, "rtmp://127.0.0.1/live/STREAM-KEY-do-not-log"), Ct)).Should().ThrowAsync<AgoraApiException>();

        var logs = host.AllLogText();
        logs.Should().Contain("Agora Cloud Recording started for channel shop_123", "the clients do log, structured");
        logs.Should().Contain("agora POST /v1/apps/" + Agora.AppId + "/cloud_recording/resourceid/RID-1/mode/mix/start answered 503",
            "each attempt is logged, without headers");
        logs.Should().NotContain("Authorization", "the default HttpClient loggers, whose structured state carries header values, are removed");
        foreach (var secret in new[] { Agora.CustomerSecret, Agora.BasicCredentials, Agora.AppCertificate, Agora.StorageAccessKey, Agora.StorageSecretKey, "STREAM-KEY-do-not-log", "007eJ" })
        {
            logs.Should().NotContain(secret);
        }
    }
}
