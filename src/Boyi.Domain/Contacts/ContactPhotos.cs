using System.Buffers.Binary;

namespace Boyi.Domain.Contacts;

/// <summary>An image as accepted: its type and size from its own header, and whether location data was taken out.</summary>
public sealed record CheckedPhoto(string ContentType, int Width, int Height, byte[] Content, bool LocationRemoved);

/// <summary>
/// Photos of contact records: JPEG or PNG only, recognised by their magic bytes and a header that decodes (a JPEG's
/// frame header before its scan and its end marker; a PNG's IHDR with a right CRC and its IEND), so that a renamed
/// file of another kind, or a truncated upload, is refused. A photo taken on a phone carries where it was taken; the
/// household's location is personal data, so unless the county keeps it the location is removed: a JPEG's EXIF GPS
/// directory is emptied in place (entries and the values they point to zeroed, every other byte unchanged, so the
/// orientation and the rest of EXIF stay) and XMP packets, which may repeat the location, are dropped; a PNG's eXIf
/// and XMP chunks are dropped.
/// </summary>
public static class ContactPhotos
{
    public const int DefaultMaxBytes = 3 * 1024 * 1024;
    public const int MaxDimension = 16_384;
    public const string Jpeg = "image/jpeg";
    public const string Png = "image/png";

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] ExifHeader = "Exif\0\0"u8.ToArray();
    private static readonly byte[] XmpHeader = "http://ns.adobe.com/xap/1.0/\0"u8.ToArray();
    private static readonly byte[] XmpExtensionHeader = "http://ns.adobe.com/xmp/extension/\0"u8.ToArray();

    /// <summary>The photo as it is stored, or null with why it is refused (NOT_AN_IMAGE, IMAGE_TOO_LARGE …).</summary>
    public static (CheckedPhoto? Photo, string? Refusal, string? Why) Check(byte[] content, int maxBytes, bool keepLocation)
    {
        if (content.Length == 0)
            return (null, "REQUIRED", "is required");
        if (content.Length > maxBytes)
            return (null, "IMAGE_TOO_LARGE", $"must be at most {maxBytes} bytes");
        if (content.AsSpan().StartsWith(PngSignature))
            return ReadPng(content, keepLocation) is { } png ? (png, null, null) : (null, "NOT_AN_IMAGE", "is not a readable PNG");
        if (content.Length > 3 && content[0] == 0xFF && content[1] == 0xD8 && content[2] == 0xFF)
            return ReadJpeg(content, keepLocation) is { } jpg ? (jpg, null, null) : (null, "NOT_AN_IMAGE", "is not a readable JPEG");
        return (null, "NOT_AN_IMAGE", "must be a JPEG or PNG image");
    }

    private static bool Sized(int width, int height) => width is > 0 and <= MaxDimension && height is > 0 and <= MaxDimension;

    // ---- JPEG ----

    private static CheckedPhoto? ReadJpeg(byte[] content, bool keepLocation)
    {
        if (content[^2] != 0xFF || content[^1] != 0xD9)
            return null;
        var output = new List<byte>(content.Length) { 0xFF, 0xD8 };
        var removed = false;
        int width = 0, height = 0;
        var pos = 2;
        while (true)
        {
            if (pos + 4 > content.Length || content[pos] != 0xFF)
                return null;
            var marker = content[pos + 1];
            if (marker is 0xD8 or 0xD9 or 0x01 or (>= 0xD0 and <= 0xD7) or 0xFF)
                return null;
            var length = BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(pos + 2));
            if (length < 2 || pos + 2 + length > content.Length)
                return null;
            var data = content.AsSpan(pos + 4, length - 2);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                // A frame header: precision, height, width, components and 3 bytes per component.
                if (data.Length < 6 || data.Length != 6 + 3 * data[5] || data[5] is 0 or > 4)
                    return null;
                height = BinaryPrimitives.ReadUInt16BigEndian(data[1..]);
                width = BinaryPrimitives.ReadUInt16BigEndian(data[3..]);
            }
            if (marker == 0xDA)
            {
                // The scan: the image data follows, up to the end marker checked above.
                if (!Sized(width, height))
                    return null;
                output.AddRange(content.AsSpan(pos).ToArray());
                return new CheckedPhoto(Jpeg, width, height, output.ToArray(), removed);
            }
            var segment = content.AsSpan(pos, 2 + length).ToArray();
            if (!keepLocation && marker == 0xE1)
            {
                if (data.StartsWith(XmpHeader) || data.StartsWith(XmpExtensionHeader))
                {
                    removed = true;
                    segment = [];
                }
                else if (data.StartsWith(ExifHeader))
                {
                    // Offsets inside EXIF count from its TIFF header, 4 + 6 bytes into the segment.
                    var tiff = segment.AsSpan(4 + ExifHeader.Length);
                    var cleared = ClearGps(tiff);
                    if (cleared is null)
                        segment = [];
                    removed |= cleared != false;
                }
            }
            output.AddRange(segment);
            pos += 2 + length;
        }
    }

    /// <summary>
    /// Empties the GPS directory of an EXIF TIFF block in place: true when there was one, false when there was none,
    /// null when the block does not parse (the caller then drops it whole: a location it cannot find is not left in).
    /// </summary>
    private static bool? ClearGps(Span<byte> tiff)
    {
        if (tiff.Length < 8)
            return null;
        var little = tiff[0] == 'I' && tiff[1] == 'I';
        if (!little && !(tiff[0] == 'M' && tiff[1] == 'M'))
            return null;
        ushort U16(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);
        uint U32(ReadOnlySpan<byte> s) => little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
        if (U16(tiff[2..]) != 42)
            return null;
        var ifd0 = U32(tiff[4..]);
        if (ifd0 > tiff.Length - 2)
            return null;
        var count = U16(tiff[(int)ifd0..]);
        if (ifd0 + 2 + 12L * count > tiff.Length)
            return null;
        uint? gps = null;
        for (var i = 0; i < count; i++)
        {
            var entry = tiff.Slice((int)ifd0 + 2 + 12 * i, 12);
            if (U16(entry) == 0x8825)
                gps = U32(entry[8..]);
        }
        if (gps is not { } at)
            return false;
        if (at > tiff.Length - 2)
            return null;
        var n = U16(tiff[(int)at..]);
        if (at + 2 + 12L * n > tiff.Length)
            return null;
        for (var i = 0; i < n; i++)
        {
            var entry = tiff.Slice((int)at + 2 + 12 * i, 12);
            var size = U16(entry[2..]) switch { 1 or 2 or 6 or 7 => 1L, 3 or 8 => 2L, 4 or 9 or 11 => 4L, 5 or 10 or 12 => 8L, _ => 0L } * U32(entry[4..]);
            if (size > 4)
            {
                var offset = U32(entry[8..]);
                if (offset + size > tiff.Length)
                    return null;
                tiff.Slice((int)offset, (int)size).Clear();
            }
        }
        // No entries left; the directory's next-directory link (0 for GPS) now reads from the zeroed first entry.
        tiff.Slice((int)at, 2 + 12 * n).Clear();
        return true;
    }

    // ---- PNG ----

    private static CheckedPhoto? ReadPng(byte[] content, bool keepLocation)
    {
        var output = new List<byte>(content.Length);
        output.AddRange(PngSignature);
        var removed = false;
        int width = 0, height = 0;
        var pos = PngSignature.Length;
        var first = true;
        while (pos + 12 <= content.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(pos));
            if (length > content.Length - pos - 12)
                return null;
            var type = content.AsSpan(pos + 4, 4);
            var chunk = content.AsSpan(pos, 12 + (int)length);
            if (first)
            {
                // IHDR comes first, 13 bytes, and its CRC must hold: the header decodes.
                if (!type.SequenceEqual("IHDR"u8) || length != 13
                    || Crc32(content.AsSpan(pos + 4, 4 + 13)) != BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(pos + 8 + 13)))
                    return null;
                width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(pos + 8)), int.MaxValue);
                height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(pos + 12)), int.MaxValue);
                if (!Sized(width, height))
                    return null;
                first = false;
            }
            var drop = !keepLocation && (type.SequenceEqual("eXIf"u8)
                || type.SequenceEqual("iTXt"u8) && chunk[8..^4].StartsWith("XML:com.adobe.xmp\0"u8));
            removed |= drop;
            if (!drop)
                output.AddRange(chunk.ToArray());
            pos += chunk.Length;
            if (type.SequenceEqual("IEND"u8))
                return pos == content.Length ? new CheckedPhoto(Png, width, height, output.ToArray(), removed) : null;
        }
        return null;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
            c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in bytes)
            c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
