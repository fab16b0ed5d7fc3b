using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// One OpenAPI document per service, the same way everywhere: <c>/openapi/v1.json</c> in every environment
/// (it is the public contract clients are generated from), the Scalar UI at <c>/scalar</c> in Development
/// only (a page for trying calls, not something to expose). The document declares the JWT bearer scheme and
/// marks the operations that need a token, so generated clients and the UI send one; probes and scrapes
/// (<c>/health</c>, <c>/alive</c>, <c>/metrics</c>) are infrastructure, not API, and stay out.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string ScalarPath = "/scalar";

    /// <summary>The security scheme's name in the document (<c>components.securitySchemes</c>).</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>The document's title and description, for the document and the Scalar page's title.</summary>
    public sealed record ServiceApiDescription(string Title, string Description);

    public static TBuilder AddServiceOpenApi<TBuilder>(this TBuilder builder, string title, string description)
        where TBuilder : IHostApplicationBuilder
    {
        var api = new ServiceApiDescription(title, description);
        builder.Services.AddSingleton(api);
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            var byDocument = options.ShouldInclude;
            options.ShouldInclude = endpoint => byDocument(endpoint)
                && !Extensions.IsInfrastructureEndpoint(new PathString("/" + endpoint.RelativePath?.TrimStart('/')));
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo { Title = api.Title, Version = DocumentName, Description = api.Description };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "An access token from the identity provider (JWT_AUTHORITY); in Development, "
                        + "from the gateway's POST /api/dev/token. Claims: sub (the user), role (seller, buyer or admin).",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // Endpoints behind RequireAuthorization (and not AllowAnonymous) answer 401 without a token.
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>Maps the document (every environment) and, in Development, the Scalar UI that reads it.</summary>
    public static WebApplication MapServiceOpenApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        if (app.Environment.IsDevelopment())
        {
            var api = app.Services.GetRequiredService<ServiceApiDescription>();
            app.MapScalarApiReference(ScalarPath, options => options
                .WithTitle(api.Title)
                .WithOpenApiRoutePattern(DocumentPath)
                .AddPreferredSecuritySchemes(BearerScheme)
                // Nothing from Scalar's servers: fonts stay local, no telemetry, no AI agent. A fresh nonce
                // on its script tags lets a Content-Security-Policy (the gateway's) allow them and no other.
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .WithNonce());
        }

        return app;
    }

    /// <summary>
    /// The nonce the Scalar page put on its script tags for this request, or null for any other response:
    /// a Content-Security-Policy must name it for the page's scripts to run.
    /// </summary>
    public static string? ScriptNonce(HttpContext context) =>
        context.Request.Path.StartsWithSegments(ScalarPath)
        && context.Items.TryGetValue(ScalarOptions.NonceHttpContextItemKey, out var nonce) ? nonce as string : null;
}
