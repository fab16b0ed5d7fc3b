using HybridStreaming.Gateway;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapDevTokenApi();
app.MapGuestAccessApi();
app.MapViewerReads();
app.MapReverseProxy();

app.Run();
