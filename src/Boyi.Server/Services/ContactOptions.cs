using Boyi.Domain.Contacts;

namespace Boyi.Server.Services;

/// <summary>
/// Contact records (Boyi:Contacts). The entry and correction windows are the county's duty policy; until the policy
/// service holds them, they are read here for every county (defaults: 7 days and 48 hours, DOMAIN.md).
/// </summary>
public sealed class ContactOptions
{
    public int EntryWindowDays { get; init; } = ContactEntryRules.DefaultEntryWindowDays;
    public int CorrectionWindowHours { get; init; } = (int)ContactEntryRules.DefaultCorrectionWindow.TotalHours;

    /// <summary>The largest photo; the whole request must stay under the server's 4 MiB message limit.</summary>
    public int MaxPhotoBytes { get; init; } = ContactPhotos.DefaultMaxBytes;

    /// <summary>Counties (division codes) that keep a photo's location (EXIF GPS, XMP); every other county's is removed.</summary>
    public int[] KeepPhotoLocationCounties { get; init; } = [];

    public ContactEntryRules Rules(int countyId) => new(EntryWindowDays, TimeSpan.FromHours(CorrectionWindowHours));

    public static ContactOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Boyi:Contacts").Get<ContactOptions>() ?? new ContactOptions();
        if (options.EntryWindowDays < 0 || options.CorrectionWindowHours < 0)
            throw new InvalidOperationException("Boyi:Contacts:EntryWindowDays and CorrectionWindowHours must not be negative.");
        if (options.MaxPhotoBytes is < 1 or > Extensions.GrpcExtensions.MaxReceiveMessageBytes - 64 * 1024)
            throw new InvalidOperationException("Boyi:Contacts:MaxPhotoBytes must be at least 1 and leave 64 KiB of the 4 MiB request limit.");
        return options;
    }
}
