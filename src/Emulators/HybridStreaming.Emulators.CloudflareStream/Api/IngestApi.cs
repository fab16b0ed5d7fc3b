using HybridStreaming.Emulators.Common;
using HybridStreaming.Emulators.Common.Http;
using HybridStreaming.Emulators.CloudflareStream.Ingest;

namespace HybridStreaming.Emulators.CloudflareStream.Api;

/// <summary>
/// <c>POST /__emulator/rtmp/publish</c> and <c>/unpublish</c>: nginx-rtmp's on_publish / on_publish_done
/// hooks (form fields <c>app</c>, <c>name</c> = stream key) and, with media off, the HTTP stand-in for an
/// RTMP push (JSON <c>{"streamKey": "…"}</c>). Both go through the same key and <c>enabled</c> check.
/// </summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/__emulator/rtmp/publish", async (HttpRequest request, IngestService ingest, EmulatorOptions options) =>
        {
            var (key, fromNginx, problem) = await ReadAsync(request, options);
            if (problem is not null)
            {
                return problem;
            }

            var decision = ingest.Publish(key!);
            return decision.Accepted
                ? Results.Json(new { accepted = true, status = decision.Reason })
                : fromNginx
                    ? Results.StatusCode(StatusCodes.Status403Forbidden)
                    : EmulatorProblem.Problem(StatusCodes.Status403Forbidden, "Publish refused", decision.Reason);
        });
        app.MapPost("/__emulator/rtmp/unpublish", async (HttpRequest request, IngestService ingest, EmulatorOptions options) =>
        {
            var (key, _, problem) = await ReadAsync(request, options);
            if (problem is not null)
            {
                return problem;
            }

            return ingest.Unpublish(key!) ? Results.Ok() : EmulatorProblem.NotFound("No live input is being published with that key.");
        });
        return app;
    }

    private static async Task<(string? Key, bool FromNginx, IResult? Problem)> ReadAsync(HttpRequest request, EmulatorOptions options)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            if (form["app"] != IngestService.Application)
            {
                return (null, true, Results.StatusCode(StatusCodes.Status403Forbidden));
            }

            return form["name"].ToString() is { Length: > 0 } name ? (name, true, null) : (null, true, Results.StatusCode(StatusCodes.Status403Forbidden));
        }

        if (options.Media)
        {
            return (null, false, EmulatorProblem.Conflict("Media is on: push RTMP to the live input's rtmps.url instead."));
        }

        var body = await JsonBody.ReadAsync(request, allowEmpty: false);
        var streamKey = body.String("streamKey", required: true);
        return body.IsValid ? (streamKey, false, null) : (null, false, EmulatorProblem.BadRequest("Invalid push", string.Join("; ", body.Errors)));
    }
}
