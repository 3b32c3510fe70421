using Boyi.Server.Grpc;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.OpenApi.Models;

namespace Boyi.Server.Extensions;

/// <summary>
/// REST for systems that cannot speak gRPC: the RPCs annotated with <c>google.api.http</c> in protos/boyi/v1 are also
/// served as JSON over HTTP/1.1 (gRPC JSON transcoding), through the same interceptors (authorisation, audit, rate
/// limits, field rules, idempotency) as the gRPC calls, and described by an OpenAPI document. See docs/rest.md.
/// </summary>
public static class RestExtensions
{
    /// <summary>Where the OpenAPI document of the REST surface is served (on the HTTP port).</summary>
    public const string OpenApiPath = "/openapi/v1.json";

    public static IServiceCollection AddBoyiRest(this IServiceCollection services)
    {
        services.AddGrpc().AddJsonTranscoding(o =>
        {
            // Enum names (HOUSEHOLD_STATUS_POOR), as the proto JSON mapping writes them; int64 money stays a string.
            o.JsonSettings = new GrpcJsonSettings { IgnoreDefaultValues = true, WriteIndented = false };
            // Error answers are google.rpc.Status JSON: their details (ErrorInfo, BadRequest, RetryInfo…) are Any
            // messages, which the JSON writer can name only from this registry.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromFiles(Google.Rpc.ErrorDetailsReflection.Descriptor);
        });
        services.AddGrpcSwagger();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IApiDescriptionProvider, OpenApiResourcePaths>());
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "Boyi REST API",
                Version = "v1",
                Description = "gRPC JSON transcoding of boyi.v1 (docs/rest.md). Errors are google.rpc.Status JSON.",
            });
            var bearer = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "An access token from POST /connect/token (client credentials, or a person's sign-in).",
                Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" },
            };
            o.AddSecurityDefinition("bearer", bearer);
            o.AddSecurityRequirement(new OpenApiSecurityRequirement { [bearer] = [] });
            // OpenApiResourcePaths gives every binding its own path; should two ever meet, the document still renders.
            o.ResolveConflictingActions(descriptions => descriptions.First());
        });
        return services;
    }

    public static WebApplication MapBoyiRest(this WebApplication app)
    {
        app.UseSwagger(o => o.RouteTemplate = "openapi/{documentName}.json");
        return app;
    }
}
