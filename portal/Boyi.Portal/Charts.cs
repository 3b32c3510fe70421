using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Html;

namespace Boyi.Portal;

/// <summary>
/// Charts drawn by Apache ECharts in the browser (served by the portal). A chart is a placeholder element whose
/// `data-chart` attribute holds the ECharts option as JSON; `/boyi.js` draws every such element. No inline script,
/// so the content security policy can forbid it.
/// </summary>
public static class Charts
{
    /// <summary>One series: bars unless <paramref name="Type"/> says `line` (a target drawn across the bars, say).</summary>
    public sealed record Series(string Name, IEnumerable<decimal> Values, string? Stack = null, string Type = "bar");

    /// <summary>A bar chart: one bar per category and series (side by side, or stacked when series share a stack); line series drawn over them.</summary>
    public static IHtmlContent Bar(string id, IEnumerable<string> categories, params Series[] series) =>
        Element(id, new
        {
            tooltip = new { trigger = "axis" },
            legend = new { top = 0 },
            grid = new { left = 8, right = 8, bottom = 8, top = 36, containLabel = true },
            xAxis = new { type = "category", data = categories.ToArray(), axisLabel = new { interval = 0, rotate = categories.Count() > 6 ? 40 : 0 } },
            // Counts are whole numbers: no 0.2 ticks.
            yAxis = new { type = "value", minInterval = series.All(s => s.Values.All(v => v == decimal.Truncate(v))) ? 1 : (int?)null },
            series = series.Select(s => new { name = s.Name, type = s.Type, stack = s.Stack, data = s.Values.ToArray() }).ToArray(),
        });

    /// <summary>A pie (ring) chart of parts of a whole.</summary>
    public static IHtmlContent Pie(string id, IEnumerable<(string Name, decimal Value)> parts) =>
        Element(id, new
        {
            tooltip = new { trigger = "item" },
            legend = new { bottom = 0 },
            series = new[]
            {
                new { type = "pie", radius = new[] { "40%", "70%" }, data = parts.Select(p => new { name = p.Name, value = p.Value }).ToArray() },
            },
        });

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private static HtmlString Element(string id, object option) =>
        new($"<div class=\"boyi-chart\" id=\"{HtmlEncoder.Default.Encode(id)}\" data-chart=\"{HtmlEncoder.Default.Encode(JsonSerializer.Serialize(option, Json))}\"></div>");
}
