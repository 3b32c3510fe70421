using System.Buffers.Binary;
using Boyi.Domain.Contacts;

namespace Boyi.Domain.Tests.Contacts;

public sealed class ContactPhotosTests
{
    // SOI, APP0 (JFIF, 16 bytes), SOF0 of 640×480 with 3 components, SOS (no real scan data needed for the header), EOI.
    private static byte[] Jpeg(params byte[][] segments)
    {
        byte[] app0 = [0xFF, 0xE0, 0, 16, .. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0];
        byte[] sof0 = [0xFF, 0xC0, 0, 17, 8, 0x01, 0xE0, 0x02, 0x80, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
        byte[] sos = [0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0, 0x12, 0x34];
        return [0xFF, 0xD8, .. app0, .. segments.SelectMany(s => s), .. sof0, .. sos, 0xFF, 0xD9];
    }

    private static byte[] App1(ReadOnlySpan<byte> header, byte[] body)
    {
        var length = 2 + header.Length + body.Length;
        return [0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. header, .. body];
    }

    [Fact]
    public void AJpegsSize_ComesFromItsFrameHeader_AndItsBytesStay_WhenItHasNoLocation()
    {
        var jpeg = Jpeg();
        var (photo, refusal, _) = ContactPhotos.Check(jpeg, ContactPhotos.DefaultMaxBytes, keepLocation: false);
        Assert.Null(refusal);
        Assert.Equal(("image/jpeg", 640, 480, false), (photo!.ContentType, photo.Width, photo.Height, photo.LocationRemoved));
        Assert.Equal(jpeg, photo.Content);
    }

    [Fact]
    public void XmpPackets_AreDropped_UnlessTheCountyKeepsTheLocation()
    {
        var xmp = App1("http://ns.adobe.com/xap/1.0/\0"u8, "<x:xmpmeta><exif:GPSLatitude>22,39.2N</exif:GPSLatitude></x:xmpmeta>"u8.ToArray());
        var jpeg = Jpeg(xmp);
        var (photo, _, _) = ContactPhotos.Check(jpeg, ContactPhotos.DefaultMaxBytes, keepLocation: false);
        Assert.True(photo!.LocationRemoved);
        Assert.Equal(Jpeg(), photo.Content);
        var (kept, _, _) = ContactPhotos.Check(jpeg, ContactPhotos.DefaultMaxBytes, keepLocation: true);
        Assert.Equal(jpeg, kept!.Content);
    }

    [Fact]
    public void AnExifBlockThatDoesNotParse_IsDroppedWhole()
    {
        var broken = App1("Exif\0\0"u8, "MM\0\x2A\0\0\xFF\xFF"u8.ToArray());
        var (photo, _, _) = ContactPhotos.Check(Jpeg(broken), ContactPhotos.DefaultMaxBytes, keepLocation: false);
        Assert.True(photo!.LocationRemoved);
        Assert.Equal(Jpeg(), photo.Content);
    }

    [Fact]
    public void ALittleEndianGpsDirectory_IsEmptied_AndTheRestOfExifStays()
    {
        var tiff = new byte[8 + 2 + 12 + 4 + 2 + 12 + 4 + 8];
        "II"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x8825);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 4);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(18), 26);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(26), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(28), 0x0006);   // GPSAltitude, one RATIONAL at 44
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(30), 5);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(32), 1);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(36), 44);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(44), 123);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(48), 1);
        var (photo, _, _) = ContactPhotos.Check(Jpeg(App1("Exif\0\0"u8, tiff)), ContactPhotos.DefaultMaxBytes, keepLocation: false);
        var expected = (byte[])tiff.Clone();
        expected.AsSpan(26).Clear();
        Assert.True(photo!.LocationRemoved);
        Assert.Equal(Jpeg(App1("Exif\0\0"u8, expected)), photo.Content);
    }

    [Theory]
    [InlineData("GIF89a")]
    [InlineData("")]
    [InlineData("\u00FF\u00D8\u00FF")]
    public void OtherFiles_AndBrokenOnes_AreRefused(string start)
    {
        var (photo, refusal, _) = ContactPhotos.Check(System.Text.Encoding.Latin1.GetBytes(start + "0123456789"), ContactPhotos.DefaultMaxBytes, false);
        Assert.Null(photo);
        Assert.Equal("NOT_AN_IMAGE", refusal);
    }

    [Fact]
    public void AJpegWithoutItsEnd_OrWithoutAFrameHeader_AndAFileTooLarge_AreRefused()
    {
        Assert.Equal("NOT_AN_IMAGE", ContactPhotos.Check(Jpeg()[..^2], ContactPhotos.DefaultMaxBytes, false).Refusal);
        byte[] noFrame = [0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 0xFF, 0xD9];
        Assert.Equal("NOT_AN_IMAGE", ContactPhotos.Check(noFrame, ContactPhotos.DefaultMaxBytes, false).Refusal);
        Assert.Equal("IMAGE_TOO_LARGE", ContactPhotos.Check(Jpeg(), 10, false).Refusal);
        Assert.Equal("REQUIRED", ContactPhotos.Check([], 10, false).Refusal);
    }
}
