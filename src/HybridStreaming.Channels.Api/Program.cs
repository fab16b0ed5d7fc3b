using HybridStreaming.Channels.Api;
using HybridStreaming.Channels.Api.Api;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAuthentication();
app.UseAuthorization();
app.MapChannelsApi();
app.MapWebhooksApi();

app.Run();
