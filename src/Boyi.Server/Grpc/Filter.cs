using Boyi.Domain.Errors;

namespace Boyi.Server.Grpc;

/// <summary>
/// The small filter language the list methods accept (a subset of AIP-160): comparisons
/// `field = value` joined by AND. Each list method says which fields it knows and their values.
/// </summary>
public sealed class Filter
{
    private readonly Dictionary<string, string> _terms;

    private Filter(Dictionary<string, string> terms) => _terms = terms;

    public static Filter Empty { get; } = new([]);

    /// <param name="fields">field name → accepted values (upper case; enum values may also be given with their full prefix).</param>
    public static Filter Parse(string? text, IReadOnlyDictionary<string, string[]> fields)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Empty;
        var terms = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split(" AND ", StringSplitOptions.TrimEntries))
        {
            var eq = part.Split('=', StringSplitOptions.TrimEntries);
            if (eq.Length != 2 || eq[0].Length == 0 || eq[1].Length == 0)
                throw Bad($"'{part}' is not of the form field = value; terms are joined by AND");
            var (field, value) = (eq[0], eq[1].Trim('"').ToUpperInvariant());
            if (!fields.TryGetValue(field, out var allowed))
                throw Bad($"unknown field '{field}'; known: {string.Join(", ", fields.Keys)}");
            var match = allowed.FirstOrDefault(a => a == value || value.EndsWith("_" + a, StringComparison.Ordinal));
            if (match is null)
                throw Bad($"'{eq[1]}' is not a value of {field}; expected one of {string.Join(", ", allowed)}");
            if (!terms.TryAdd(field, match))
                throw Bad($"'{field}' appears twice");
        }
        return new Filter(terms);
    }

    public string? Get(string field) => _terms.GetValueOrDefault(field);

    public bool? GetBool(string field) => Get(field) switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => null,
    };

    public TEnum? GetEnum<TEnum>(string field, Func<string, TEnum> map) where TEnum : struct =>
        Get(field) is { } v ? map(v) : null;

    /// <summary>A canonical form, used to bind page tokens to the query.</summary>
    public override string ToString() => string.Join(" AND ", _terms.OrderBy(t => t.Key).Select(t => $"{t.Key}={t.Value}"));

    public static readonly string[] Booleans = ["TRUE", "FALSE"];

    private static DomainException Bad(string description) =>
        new(ErrorKind.InvalidArgument, "INVALID_FILTER", "The filter is not valid.",
            [new FieldViolation("filter", "INVALID_FILTER", description)]);
}
