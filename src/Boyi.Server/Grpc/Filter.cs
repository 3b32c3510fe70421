using System.Reflection;
using Boyi.Domain.Errors;
using Google.Protobuf.Reflection;

namespace Boyi.Server.Grpc;

/// <summary>
/// The small filter language the list methods accept (a subset of AIP-160): comparisons `field = value` joined by AND;
/// a field that accepts a set also takes comparisons joined by OR, optionally in parentheses
/// (`(status = POOR OR status = AT_RISK_OF_RELAPSE) AND paired = false`). OR binds tighter than AND, as in AIP-160, so
/// the parentheses change nothing. Each list method says which fields it knows (<see cref="ListFilters"/>).
/// </summary>
public sealed class Filter
{
    private readonly Dictionary<string, (FilterField Field, string[] Values)> _terms;

    private Filter(Dictionary<string, (FilterField, string[])> terms) => _terms = terms;

    public static Filter Empty { get; } = new([]);

    public static Filter Parse(string? text, IReadOnlyList<FilterField> fields)
    {
        if (string.IsNullOrWhiteSpace(text))
            return Empty;
        var terms = new Dictionary<string, (FilterField, string[])>(StringComparer.Ordinal);
        foreach (var part in text.Split(" AND ", StringSplitOptions.TrimEntries))
        {
            var inner = part.Length >= 2 && part[0] == '(' && part[^1] == ')' ? part[1..^1] : part;
            FilterField? field = null;
            var values = new List<string>();
            foreach (var comparison in inner.Split(" OR ", StringSplitOptions.TrimEntries))
            {
                var eq = comparison.Split('=', StringSplitOptions.TrimEntries);
                if (eq.Length != 2 || eq[0].Length == 0 || eq[1].Length == 0)
                    throw Bad($"'{comparison}' is not of the form field = value; terms are joined by AND");
                var named = fields.FirstOrDefault(f => f.Name == eq[0])
                    ?? throw Bad($"unknown field '{eq[0]}'; known: {string.Join(", ", fields.Select(f => f.Name))}");
                if (field is not null && field != named)
                    throw Bad($"'{inner}' joins different fields by OR; only comparisons of one field may be joined by OR");
                field = named;
                values.Add(named.Match(eq[1].Trim('"').ToUpperInvariant())
                    ?? throw Bad($"'{eq[1]}' is not a value of {named.Name}; expected one of {string.Join(", ", named.Values)}"));
            }
            if (values.Count > 1 && !field!.AnyOf)
                throw Bad($"'{field.Name}' takes one value; only {AnyOfNames(fields)} may be joined by OR");
            if (!terms.TryAdd(field!.Name, (field, values.Distinct().Order(StringComparer.Ordinal).ToArray())))
                throw Bad($"'{field.Name}' appears twice");
        }
        return new Filter(terms);
    }

    /// <summary>The one value asked for (fields that take no OR), or null when the field is not filtered on.</summary>
    public string? Get(string field) => _terms.TryGetValue(field, out var t) ? t.Values.Single() : null;

    public bool? GetBool(string field) => Get(field) switch
    {
        "TRUE" => true,
        "FALSE" => false,
        _ => null,
    };

    /// <summary>The proto enum value asked for, or null when the field is not filtered on.</summary>
    public TEnum? GetEnum<TEnum>(string field) where TEnum : struct, Enum =>
        GetEnums<TEnum>(field) is { } all ? all.Single() : null;

    /// <summary>The proto enum values asked for (any of them matches), or null when the field is not filtered on.</summary>
    public TEnum[]? GetEnums<TEnum>(string field) where TEnum : struct, Enum =>
        _terms.TryGetValue(field, out var t) ? t.Values.Select(v => (TEnum)Enum.ToObject(typeof(TEnum), t.Field.Number(v))).ToArray() : null;

    /// <summary>A canonical form, used to bind page tokens to the query.</summary>
    public override string ToString() =>
        string.Join(" AND ", _terms.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => string.Join(" OR ", t.Value.Values.Select(v => $"{t.Key}={v}"))));

    private static string AnyOfNames(IReadOnlyList<FilterField> fields) =>
        fields.Any(f => f.AnyOf) ? string.Join(", ", fields.Where(f => f.AnyOf).Select(f => f.Name)) : "no field of this list";

    private static DomainException Bad(string description) =>
        new(ErrorKind.InvalidArgument, "INVALID_FILTER", "The filter is not valid.",
            [new FieldViolation("filter", "INVALID_FILTER", description)]);
}

/// <summary>
/// A field a list method filters on and the values it accepts (upper case). An enum field accepts the short value
/// (`SECTION_CHIEF`) or the full proto name (`CADRE_RANK_SECTION_CHIEF`), each exactly: never a value that merely
/// ends like another (`DEPUTY_SECTION_CHIEF` is not `SECTION_CHIEF`).
/// </summary>
public sealed class FilterField
{
    private readonly IReadOnlyDictionary<string, int> _numbers;

    private FilterField(string name, IReadOnlyDictionary<string, int> numbers, string prefix, bool anyOf, Type? enumType)
    {
        Name = name;
        _numbers = numbers;
        Prefix = prefix;
        AnyOf = anyOf;
        EnumType = enumType;
    }

    public string Name { get; }

    /// <summary>The accepted values, short form, in declaration order.</summary>
    public IReadOnlyList<string> Values => [.. _numbers.Keys];

    /// <summary>The enum's value prefix (`CADRE_RANK_`); empty for other fields.</summary>
    public string Prefix { get; }

    /// <summary>Whether comparisons of this field may be joined by OR (the query takes a set).</summary>
    public bool AnyOf { get; }

    /// <summary>The proto enum the values come from; null for booleans.</summary>
    public Type? EnumType { get; }

    public static FilterField Bool(string name) =>
        new(name, new Dictionary<string, int>(StringComparer.Ordinal) { ["TRUE"] = 1, ["FALSE"] = 0 }, "", false, null);

    /// <summary>A field taking the values of the proto enum <typeparamref name="TEnum"/> except its UNSPECIFIED zero.</summary>
    public static FilterField Enum<TEnum>(string name, bool anyOf = false) where TEnum : struct, Enum
    {
        var originals = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (Original: f.GetCustomAttribute<OriginalNameAttribute>()!.Name, Number: Convert.ToInt32(f.GetValue(null), System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
        var prefix = originals.Single(o => o.Number == 0).Original[..^"UNSPECIFIED".Length];
        var numbers = originals.Where(o => o.Number != 0)
            .ToDictionary(o => o.Original[prefix.Length..], o => o.Number, StringComparer.Ordinal);
        return new(name, numbers, prefix, anyOf, typeof(TEnum));
    }

    /// <summary>The accepted value <paramref name="upper"/> stands for (short form), or null.</summary>
    public string? Match(string upper)
    {
        if (_numbers.ContainsKey(upper))
            return upper;
        var unprefixed = Prefix.Length > 0 && upper.StartsWith(Prefix, StringComparison.Ordinal) ? upper[Prefix.Length..] : null;
        return unprefixed is not null && _numbers.ContainsKey(unprefixed) ? unprefixed : null;
    }

    /// <summary>The enum number of an accepted value.</summary>
    public int Number(string value) => _numbers[value];
}
