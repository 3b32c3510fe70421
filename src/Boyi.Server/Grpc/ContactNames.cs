using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Server.Grpc;

public static partial class ResourceNames
{
    public static string ContactRecord(long id) => Boyi.Infrastructure.Contacts.ContactStore.Name(id);
    public static string ContactPhoto(long record, int number) => $"{ContactRecord(record)}/photos/{number}";

    /// <summary>`contactRecords/…` carry county × 10^10 + sequence.</summary>
    public static long ParseContactRecord(string? name, string field) =>
        Parse(name, field, "contactRecords", 16, id => Ids.IsCountyCode((int)(id / Boyi.Infrastructure.Contacts.ContactStore.IdFactor)));

    /// <summary>`contactRecords/{record}/photos/{number}`.</summary>
    public static (long Record, short Number) ParseContactPhoto(string? name, string field)
    {
        const string photos = "/photos/";
        var cut = name?.LastIndexOf(photos, StringComparison.Ordinal) ?? -1;
        if (cut > 0 && short.TryParse(name.AsSpan(cut + photos.Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var number) && number is > 0 and <= Boyi.Infrastructure.Contacts.ContactStore.MaxPhotos)
            return (ParseContactRecord(name![..cut], field), number);
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        throw Invalid(field, "contactRecords/{record}/photos/{photo}");
    }
}
