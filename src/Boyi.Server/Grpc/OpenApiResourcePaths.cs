using System.Text.RegularExpressions;
using Google.Api;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Boyi.Server.Grpc;

/// <summary>
/// Gives each transcoded operation of the OpenAPI document the path its <c>google.api.http</c> binding really has:
/// <c>/v1/counties/{county}/households</c> rather than Microsoft.AspNetCore.Grpc.Swagger's <c>/v1/{parent}/households</c>,
/// whose one <c>parent</c> parameter would hold a slash (which generated clients percent-encode, and the server then
/// does not match) and whose additional bindings (towns, villages) would all claim that same path.
/// </summary>
internal sealed partial class OpenApiResourcePaths : IApiDescriptionProvider
{
    // After Grpc.Swagger's provider has added its descriptions (providers finish in reverse order).
    public int Order => -2000;

    public void OnProvidersExecuting(ApiDescriptionProviderContext context)
    {
    }

    public void OnProvidersExecuted(ApiDescriptionProviderContext context)
    {
        foreach (var description in context.Results)
        {
            if (description.ActionDescriptor.EndpointMetadata.OfType<GrpcJsonTranscodingMetadata>().FirstOrDefault() is not { } grpc)
                continue;
            var (path, variables) = Expand(Pattern(grpc.HttpRule));
            description.RelativePath = path.TrimStart('/');
            var fields = Variable().Matches(Pattern(grpc.HttpRule)).Select(m => m.Groups["field"].Value).ToHashSet();
            foreach (var old in description.ParameterDescriptions.Where(p => p.Source == BindingSource.Path && fields.Contains(p.Name)).ToList())
                description.ParameterDescriptions.Remove(old);
            foreach (var name in variables)
            {
                description.ParameterDescriptions.Add(new ApiParameterDescription
                {
                    Name = name, Source = BindingSource.Path, Type = typeof(string), IsRequired = true,
                });
            }
        }
    }

    private static string Pattern(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        _ => rule.Custom.Path,
    };

    /// <summary>
    /// <c>/v1/{name=counties/*/commendationRounds/*}</c> → <c>/v1/counties/{county}/commendationRounds/{commendationRound}</c>:
    /// each <c>*</c> named after the collection before it, in the singular.
    /// </summary>
    internal static (string Path, List<string> Variables) Expand(string pattern)
    {
        var variables = new List<string>();
        var path = Variable().Replace(pattern, m =>
        {
            var segments = m.Groups["pattern"].Value.Split('/');
            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i] != "*")
                    continue;
                var name = i > 0 ? Singular(segments[i - 1]) : m.Groups["field"].Value.Replace('.', '_');
                variables.Add(name);
                segments[i] = $"{{{name}}}";
            }
            return string.Join('/', segments);
        });
        return (path, variables);
    }

    private static string Singular(string collection) =>
        collection.EndsWith("ies", StringComparison.Ordinal) ? collection[..^3] + "y"
        : collection.EndsWith("ches", StringComparison.Ordinal) ? collection[..^2]
        : collection.EndsWith('s') ? collection[..^1]
        : collection;

    [GeneratedRegex(@"\{(?<field>[a-z_.]+)=(?<pattern>[^}]+)\}")]
    private static partial Regex Variable();
}
