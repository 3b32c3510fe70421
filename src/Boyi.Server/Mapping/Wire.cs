using Boyi.Domain.Errors;
using Google.Protobuf.WellKnownTypes;

namespace Boyi.Server.Mapping;

/// <summary>Conversions shared by all mappers: times, dates, etags.</summary>
public static class Wire
{
    public static Timestamp Time(DateTime utc) => Timestamp.FromDateTime(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    public static Timestamp? Time(DateTime? utc) => utc is { } t ? Time(t) : null;

    public static Google.Type.Date Date(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    public static Google.Type.Date? Date(DateOnly? d) => d is { } x ? Date(x) : null;

    /// <summary>A date from the API; null when not given. An impossible date is INVALID_ARGUMENT on <paramref name="field"/>.</summary>
    public static DateOnly? Date(Google.Type.Date? d, string field)
    {
        if (d is null || (d.Year == 0 && d.Month == 0 && d.Day == 0))
            return null;
        try
        {
            return new DateOnly(d.Year, d.Month, d.Day);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw DomainException.Invalid(field, "INVALID_DATE", "is not a real calendar date");
        }
    }

    public static string Etag(int version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The version an etag stands for; null when the caller sent none (unconditional write).</summary>
    public static int? Version(string? etag, string field)
    {
        if (string.IsNullOrEmpty(etag))
            return null;
        return int.TryParse(etag.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v
            : throw DomainException.Invalid(field, "INVALID_ETAG", "is not an etag this server issued");
    }

    public static string Required(string? value, string field, int maxLength)
    {
        var v = new Violations();
        v.Required(field, value);
        v.MaxLength(field, value?.Trim(), maxLength);
        v.ThrowIfAny();
        return value!.Trim();
    }
}
