using System.Net;
using System.Text;

namespace HybridStreaming.ProviderTesting;

/// <summary>A request as the provider would have received it (the body is read before the request is disposed).</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string? Body, string? ContentType)
{
    public string PathAndQuery => Uri.PathAndQuery;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// The provider at the edge of the HTTP pipeline — the one place a fake is right: answers are queued
/// (the last one repeats), every request is recorded.
/// </summary>
public sealed class StubHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> answers = new();
    private Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>? last;
    private readonly List<RecordedRequest> requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    public StubHttpHandler Respond(HttpStatusCode status, string? json = null, Action<HttpResponseMessage>? configure = null) =>
        Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(status);
            if (json is not null)
            {
                response.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            configure?.Invoke(response);
            return Task.FromResult(response);
        });

    public StubHttpHandler RespondAfter(TimeSpan delay, HttpStatusCode status, string? json = null) =>
        Enqueue(async (request, cancellationToken) =>
        {
            await Task.Delay(delay, cancellationToken);
            return new HttpResponseMessage(status)
            {
                Content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"),
            };
        });

    public StubHttpHandler Throw(Exception exception) => Enqueue((_, _) => Task.FromException<HttpResponseMessage>(exception));

    private StubHttpHandler Enqueue(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        answers.Enqueue(answer);
        last = answer;
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (requests)
        {
            requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, body, request.Content?.Headers.ContentType?.ToString()));
        }

        Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer;
        lock (answers)
        {
            answer = answers.Count > 0 ? answers.Dequeue() : last ?? throw new InvalidOperationException("No answer queued.");
        }

        var response = await answer(request, cancellationToken);
        response.RequestMessage = request;
        return response;
    }
}
