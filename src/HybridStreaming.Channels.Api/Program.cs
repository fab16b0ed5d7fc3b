using HybridStreaming.Channels.Api;
using HybridStreaming.Channels.Api.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();
builder.AddServiceOpenApi("HybridStreaming Channel API", "Channels, go-live, playback and the providers' webhooks (through the gateway: /api/channels, /api/webhooks).");

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAuthentication();
app.UseAuthorization();
app.MapChannelsApi();
app.MapWebhooksApi();
app.MapServiceOpenApi();

app.Run();
