using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HybridStreaming.Processes;
using Microsoft.Extensions.Logging;

namespace HybridStreaming.Emulators.Common.Media;

/// <summary>An RTMP application of <see cref="NginxRtmpServer"/>.</summary>
public sealed record RtmpApplication(string Name)
{
    /// <summary>Called (HTTP POST, form fields app, name, addr…) before a publish is accepted: 2xx accepts, 403 refuses.</summary>
    public string? OnPublishUrl { get; init; }

    /// <summary>Called when a publisher goes away.</summary>
    public string? OnPublishDoneUrl { get; init; }

    /// <summary>Where nginx writes live HLS (<c>&lt;folder&gt;/&lt;stream name&gt;/index.m3u8</c>), or null for no HLS.</summary>
    public string? HlsDirectory { get; init; }

    public double HlsFragmentSeconds { get; init; } = 1;

    public double HlsPlaylistSeconds { get; init; } = 6;
}

/// <summary>
/// An nginx-rtmp server owned by the emulator: config generated into a scratch folder, run as a single
/// foreground process (<c>daemon off; master_process off</c>, so it stays our child and needs no worker
/// user), pid and error log in that folder, stopped with the emulator. Publishers are checked by HTTP
/// hooks back into the emulator; <see cref="DropPublisherAsync"/> cuts one through <c>rtmp_control</c>.
/// </summary>
public sealed class NginxRtmpServer : IAsyncDisposable
{
    private static readonly HttpClient Control = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string _directory;
    private readonly ILogger _logger;
    private readonly SecretMasker _secrets;
    private ManagedProcess? _process;

    public NginxRtmpServer(string directory, int rtmpPort, IReadOnlyList<RtmpApplication> applications, ILogger logger, SecretMasker secrets)
    {
        _directory = Path.GetFullPath(directory);
        _logger = logger;
        _secrets = secrets;
        RtmpPort = rtmpPort > 0 ? rtmpPort : FreePort();
        ControlPort = FreePort();
        Applications = applications;
    }

    public int RtmpPort { get; }

    public int ControlPort { get; }

    public IReadOnlyList<RtmpApplication> Applications { get; }

    public bool IsRunning => _process is { HasExited: false };

    public string Url(string application, string stream) => $"rtmp://127.0.0.1:{RtmpPort}/{application}/{stream}";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.Combine(_directory, "logs"));
        Directory.CreateDirectory(Path.Combine(_directory, "temp"));
        foreach (var hls in Applications.Select(a => a.HlsDirectory).OfType<string>())
        {
            Directory.CreateDirectory(hls);
        }

        var config = Path.Combine(_directory, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(), cancellationToken);
        _process = ManagedProcess.Start(
            "nginx",
            new ProcessLaunch(MediaTools.Nginx, ["-p", _directory, "-c", config]) { WorkingDirectory = _directory },
            new LoggerProcessOutput(_logger, _secrets));

        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (!await AcceptsAsync(RtmpPort, cancellationToken))
        {
            if (_process.HasExited || DateTimeOffset.UtcNow > deadline)
            {
                var log = Path.Combine(_directory, "logs", "error.log");
                throw new InvalidOperationException(
                    $"nginx-rtmp did not start on port {RtmpPort}: {(File.Exists(log) ? _secrets.Mask(await File.ReadAllTextAsync(log, cancellationToken)) : "no error log")}");
            }

            await Task.Delay(50, cancellationToken);
        }

        _logger.LogInformation("nginx-rtmp listening on rtmp://127.0.0.1:{Port} (control on {ControlPort})", RtmpPort, ControlPort);
    }

    /// <summary>Disconnects the publisher of a stream (the input was disabled or its key rotated).</summary>
    public async Task<bool> DropPublisherAsync(string application, string stream)
    {
        try
        {
            var url = $"http://127.0.0.1:{ControlPort}/control/drop/publisher?app={Uri.EscapeDataString(application)}&name={Uri.EscapeDataString(stream)}";
            using var response = await Control.GetAsync(url);
            var dropped = await response.Content.ReadAsStringAsync();
            return response.IsSuccessStatusCode && dropped.Trim() is not ("" or "0");
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            await process.StopAsync(Native.SIGTERM, TimeSpan.FromSeconds(5));
            await process.DisposeAsync();
            _process = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private string Configuration()
    {
        var applications = new StringBuilder();
        foreach (var app in Applications)
        {
            applications.AppendLine(CultureInfo.InvariantCulture, $"      application {app.Name} {{");
            applications.AppendLine("        live on; record off; wait_key on; wait_video on; drop_idle_publisher 15s; access_log off;");
            if (app.OnPublishUrl is not null || app.OnPublishDoneUrl is not null)
            {
                applications.AppendLine("        notify_method post;");
            }

            if (app.OnPublishUrl is not null)
            {
                applications.AppendLine(CultureInfo.InvariantCulture, $"        on_publish {app.OnPublishUrl};");
            }

            if (app.OnPublishDoneUrl is not null)
            {
                applications.AppendLine(CultureInfo.InvariantCulture, $"        on_publish_done {app.OnPublishDoneUrl};");
            }

            if (app.HlsDirectory is not null)
            {
                applications.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"        hls on; hls_path {app.HlsDirectory}; hls_nested on; hls_cleanup off; hls_continuous off; " +
                    $"hls_fragment {app.HlsFragmentSeconds * 1000:0}ms; hls_playlist_length {app.HlsPlaylistSeconds * 1000:0}ms; hls_fragment_slicing aligned;"));
            }

            applications.AppendLine("      }");
        }

        // Info-level logs would print stream names, which are stream keys: warn and above only.
        return $$"""
            load_module {{MediaTools.RtmpModule}};
            daemon off;
            master_process off;
            pid {{_directory}}/nginx.pid;
            error_log {{_directory}}/logs/error.log warn;
            events { worker_connections 1024; }
            rtmp {
              server {
                listen 127.0.0.1:{{RtmpPort}};
                chunk_size 4096;
                ping 10s;
            {{applications}}  }
            }
            http {
              access_log off;
              client_body_temp_path {{_directory}}/temp/body;
              proxy_temp_path {{_directory}}/temp/proxy;
              fastcgi_temp_path {{_directory}}/temp/fastcgi;
              uwsgi_temp_path {{_directory}}/temp/uwsgi;
              scgi_temp_path {{_directory}}/temp/scgi;
              server {
                listen 127.0.0.1:{{ControlPort}};
                location /control { rtmp_control all; }
              }
            }
            """;
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
