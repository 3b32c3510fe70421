using Boyi.Domain.Contacts;

namespace Boyi.Server.Services;

/// <summary>
/// Contact records' photos (Boyi:Contacts). The entry and correction windows are not here: they are the county's duty
/// policy (DutyPolicyService), read for each write.
/// </summary>
public sealed class ContactOptions
{
    /// <summary>The largest photo; the whole request must stay under the server's 4 MiB message limit.</summary>
    public int MaxPhotoBytes { get; init; } = ContactPhotos.DefaultMaxBytes;

    /// <summary>Counties (division codes) that keep a photo's location (EXIF GPS, XMP); every other county's is removed.</summary>
    public int[] KeepPhotoLocationCounties { get; init; } = [];

    public static ContactOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Boyi:Contacts").Get<ContactOptions>() ?? new ContactOptions();
        if (options.MaxPhotoBytes is < 1 or > Extensions.GrpcExtensions.MaxReceiveMessageBytes - 64 * 1024)
            throw new InvalidOperationException("Boyi:Contacts:MaxPhotoBytes must be at least 1 and leave 64 KiB of the 4 MiB request limit.");
        return options;
    }
}
