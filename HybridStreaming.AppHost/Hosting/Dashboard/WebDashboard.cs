using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.AppHost.Hosting.Dashboard;

/// <summary>
/// The dashboard in a browser, on 127.0.0.1 only: a live table of resources with their logs, and the
/// same data as JSON at <c>/api/resources</c> (what scripts and tests read).
/// </summary>
internal static class WebDashboard
{
    public static async Task<WebApplication> StartAsync(DistributedApplication app, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, NoSignalLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var web = builder.Build();

        web.MapGet("/", () => Results.Content(Page, "text/html; charset=utf-8"));
        web.MapGet("/api/resources", () => Results.Json(app.Snapshot().Select(r => new
        {
            r.Name,
            r.Kind,
            State = r.State.ToString(),
            r.Url,
            r.Detail,
            r.HealthySince,
            r.ProcessIds,
        })));
        web.MapGet("/api/resources/{name}/logs", (string name) =>
            app.Resources.Any(r => r.Name == name)
                ? Results.Text(string.Join('\n', app.Logs.Tail(name)), "text/plain; charset=utf-8")
                : Results.NotFound());

        await web.StartAsync();
        return web;
    }

    /// <summary>Signals are handled once, by the AppHost; the dashboard just stops when told.</summary>
    private sealed class NoSignalLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private const string Page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>HybridStreaming AppHost</title>
        <style>
          body { font: 14px system-ui, sans-serif; margin: 2rem; color: #222; }
          table { border-collapse: collapse; } th, td { padding: .35rem .8rem; text-align: left; border-bottom: 1px solid #ddd; }
          .Healthy { color: #137333; } .Failed, .Exited, .Unhealthy { color: #c5221f; } .Starting, .Waiting { color: #b06000; }
          pre { background: #111; color: #ddd; padding: 1rem; max-height: 28rem; overflow: auto; font-size: 12px; }
          a { cursor: pointer; color: #1a73e8; }
        </style></head>
        <body>
        <h1>HybridStreaming</h1>
        <table><thead><tr><th>Resource</th><th>Kind</th><th>State</th><th>URL</th><th>Health</th><th></th></tr></thead><tbody id="rows"></tbody></table>
        <h2 id="logtitle"></h2><pre id="logs" hidden></pre>
        <script>
          let selected = null;
          const esc = s => (s ?? '').replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
          async function refresh() {
            const resources = await (await fetch('/api/resources')).json();
            document.getElementById('rows').innerHTML = resources.map(r =>
              `<tr><td>${esc(r.name)}</td><td>${esc(r.kind)}</td><td class="${r.state}">${r.state}</td>` +
              `<td>${r.url && r.url.startsWith('http') ? `<a href="${esc(r.url)}">${esc(r.url)}</a>` : esc(r.url)}</td>` +
              `<td>${r.state === 'Healthy' ? 'healthy' : esc(r.detail)}</td><td><a onclick="show('${esc(r.name)}')">logs</a></td></tr>`).join('');
            if (selected) {
              const logs = document.getElementById('logs');
              logs.textContent = await (await fetch(`/api/resources/${selected}/logs`)).text();
            }
          }
          function show(name) { selected = name; document.getElementById('logtitle').textContent = name; document.getElementById('logs').hidden = false; refresh(); }
          refresh(); setInterval(refresh, 1000);
        </script>
        </body></html>
        """;
}
