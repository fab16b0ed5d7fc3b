using HybridStreaming.Gateway;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();
builder.AddClientAddresses();
builder.AddSecurityHeaders();
builder.AddGatewayCors();
builder.AddDevSellerStream();
builder.AddServiceOpenApi("HybridStreaming Gateway", "The gateway's own endpoints; the services it routes /api/** to have their own documents.");

var app = builder.Build();

app.UseSecurityHeaders();
app.UseForwardedHeaders();
app.MapDefaultEndpoints();
app.UseGatewayCors();
app.UseConcurrencyGate();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapDevTokenApi();
app.MapDevSellerStreamApi();
app.MapGuestAccessApi();
app.MapViewerReads();
app.MapPlatformHealth();
app.MapWebPages();
app.MapServiceOpenApi();
app.MapReverseProxy();

app.Run();
