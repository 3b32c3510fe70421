using System.Buffers.Binary;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Boyi.Server.Tests;

/// <summary>Test images: real files (a 16×12 JPEG from libjpeg's cjpeg, a 10×7 PNG), and a JPEG carrying EXIF with a GPS position.</summary>
public static class TestImages
{
    public static readonly byte[] Jpeg = Convert.FromBase64String(
        "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQFxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCAAMABADASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDzXSfCn3f3f6V2ek+FPu/u/wBK7fSdOtuPkrs9J0624+Sljs7qanPwrxFV90//2Q==");

    public static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAoAAAAHCAIAAAC+zks0AAAAh0lEQVR4nA3JMREAMQgAQWykRwEqmImNlFiIB6rYSIOIk0AbJ//brogwBBOmsIQtHOEKCE8QUYZiylSWspWjXAXl6d/OcMyZznK2c5zr4Dz/OxiBBTNYwQ5OcAOCF38nI7FkJivZyUluQvLy72IUVsxiFbs4xS0oXv3djMaa2axmN6e5Dc1rPjkCcvxHxEOwAAAAAElFTkSuQmCC");

    /// <summary>Where the TIFF block starts in <see cref="JpegWithGps"/>: SOI (2), APP1 marker and length (4), "Exif\0\0" (6).</summary>
    public const int TiffStart = 2 + 4 + 6;

    /// <summary>
    /// <see cref="Jpeg"/> with an EXIF APP1 after its SOI: IFD0 holds the orientation (6) and a pointer to a GPS
    /// directory at 38 with the latitude reference (N) and the latitude (22° 39′ 12.34″) stored at 68..92.
    /// </summary>
    public static byte[] JpegWithGps()
    {
        var tiff = new byte[92];
        "MM"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(2), 42);
        BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(4), 8);
        void Entry(int at, ushort tag, ushort type, uint count, uint value)
        {
            BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at), tag);
            BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(at + 2), type);
            BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at + 4), count);
            BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(at + 8), value);
        }
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(8), 2);
        Entry(10, 0x0112, 3, 1, 6u << 16);   // Orientation = 6, a SHORT left-aligned in the value
        Entry(22, 0x8825, 4, 1, 38);          // GPSInfo
        BinaryPrimitives.WriteUInt16BigEndian(tiff.AsSpan(38), 2);
        Entry(40, 0x0001, 2, 2, (uint)'N' << 24); // GPSLatitudeRef "N\0"
        Entry(52, 0x0002, 5, 3, 68);          // GPSLatitude, three RATIONALs at 68
        uint[] latitude = [22, 1, 39, 1, 1234, 100];
        for (var i = 0; i < latitude.Length; i++)
            BinaryPrimitives.WriteUInt32BigEndian(tiff.AsSpan(68 + 4 * i), latitude[i]);
        var app1 = new List<byte> { 0xFF, 0xE1, 0, (byte)(2 + 6 + tiff.Length) };
        app1.AddRange("Exif\0\0"u8.ToArray());
        app1.AddRange(tiff);
        return [.. Jpeg[..2], .. app1, .. Jpeg[2..]];
    }

    /// <summary><paramref name="withGps"/> with the GPS directory (38..68) and the latitude it points to (68..92) zeroed: nothing else changes.</summary>
    public static byte[] WithoutGps(byte[] withGps)
    {
        var expected = (byte[])withGps.Clone();
        expected.AsSpan(TiffStart + 38, 92 - 38).Clear();
        return expected;
    }
}

/// <summary>A county with cadre C1 paired (for 30 days) with H1 in town 1, cadre C2 with H2 in town 2, and C1 signed in.</summary>
public sealed class ContactFixture : CountyFixture
{
    public Cadre C1 { get; private set; } = null!;
    public Pairing P1 { get; private set; } = null!;
    public Pairing P2 { get; private set; } = null!;
    public GrpcChannel CadreChannel { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        (C1, P1) = await ContactTests.PairedAsync(this, County.Towns[0]);
        (_, P2) = await ContactTests.PairedAsync(this, County.Towns[1]);
        var portal = await PortalClient.RegisterAsync(this);
        var scope = new UserScope(Roles.Cadre, 450923, CadreId: long.Parse(C1.Name.Split('/')[1]));
        var (tokens, _) = await People.FirstSignInAsync(this, portal, "c-contacts", await People.CreateAsync(this, "c-contacts", scope), "Cadre-Pass-2026");
        CadreChannel = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
    }
}

public sealed class ContactTests(ContactFixture s) : IClassFixture<ContactFixture>
{
    private ContactService.ContactServiceClient Admin => new(s.Channel);
    private ContactService.ContactServiceClient Cadre => new(s.CadreChannel);

    /// <summary>A new cadre of the town paired with a new household of its first village, the pairing starting 30 days ago.</summary>
    public static async Task<(Cadre, Pairing)> PairedAsync(ServerFixture s, TestTown town)
    {
        var cadre = await Api.CreateCadreAsync(s, "counties/450923", CadreRank.OrdinaryStaff, town.Name, town.Villages[0]);
        var household = await Api.CreateHouseholdAsync(s, town.Villages[0]);
        var start = Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>()).AddDays(-30);
        var pairing = (await s.Pairings.CreatePairingAsync(new CreatePairingRequest
        {
            Pairing = new Pairing { Cadre = cadre.Name, Household = household.Name, StartDate = new Google.Type.Date { Year = start.Year, Month = start.Month, Day = start.Day } },
        })).Pairing;
        return (cadre, pairing);
    }

    public static ContactRecord Call(string household, DateTimeOffset when) => new()
    {
        Household = household, Kind = ContactKind.PhoneCall, OccurTime = Timestamp.FromDateTimeOffset(when),
        HelpItems = { new HelpItem { Kind = HelpKind.Policy, Description = "讲解小额信贷政策" } },
    };

    public static ContactRecord Visit(string household, DateTimeOffset when) => new()
    {
        Household = household, Kind = ContactKind.HomeVisit, OccurTime = Timestamp.FromDateTimeOffset(when),
        Occasions = { new ContactOccasion { Kind = ContactOccasionKind.BusySeason, Reference = "双抢" } },
        HelpItems =
        {
            new HelpItem { Kind = HelpKind.SalesChannels, Description = "联系收购商上门收购砂糖橘" },
            new HelpItem { Kind = HelpKind.Funds, Description = "慰问金", AmountFen = 50_000 },
        },
        Diary = new PeoplesConditionDiary { Done = "帮助抢收早稻\n联系农机", SeenAndHeard = "稻谷已黄，劳力不足", Thoughts = "下次带技术员来" },
    };

    [Fact]
    public async Task ACadre_RecordsACallAndAVisit_ForTheirHousehold_AndGetsNotFound_ForAnothers()
    {
        var now = DateTimeOffset.UtcNow;
        var call = (await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P1.Household, now.AddHours(-3)) })).Record;
        var visit = (await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = Visit(s.P1.Household, now.AddDays(-2)), RequestId = Guid.NewGuid().ToString(),
        })).Record;
        Assert.Equal((s.C1.Name, s.P1.Name, 1), (visit.Cadre, visit.Pairing, visit.Revision));
        Assert.Equal("帮助抢收早稻\n联系农机", visit.Diary.Done);
        Assert.Equal(50_000, visit.HelpItems[1].AmountFen);
        Assert.Equal(ContactOccasionKind.BusySeason, visit.Occasions[0].Kind);
        Assert.Null(call.Diary);
        Assert.Equal(ActorRole.Cadre, visit.AuthorDisplay.Role);
        Assert.Equal(visit, (await Cadre.GetContactRecordAsync(new GetContactRecordRequest { Name = visit.Name })).Record);

        var mine = await Cadre.ListContactRecordsAsync(new ListContactRecordsRequest { Parent = s.County.Name });
        Assert.Equal([visit.Name, call.Name], mine.Records.Select(r => r.Name));
        var twoDaysAgo = Boyi.Domain.ChinaTime.DateOf(now.AddDays(-2).UtcDateTime);
        var onlyVisit = await Cadre.ListContactRecordsAsync(new ListContactRecordsRequest
        {
            Parent = s.County.Name, StartDate = Day(twoDaysAgo), EndDate = Day(twoDaysAgo),
        });
        Assert.Equal([visit.Name], onlyVisit.Records.Select(r => r.Name));

        // Another cadre's household: writing answers as if it did not exist, and so does reading its records.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P2.Household, now.AddHours(-1)) }));
        var others = (await Admin.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P2.Household, now.AddHours(-1)) })).Record;
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Cadre.GetContactRecordAsync(new GetContactRecordRequest { Name = others.Name }));
        Assert.DoesNotContain(others.Name, (await Cadre.ListContactRecordsAsync(new ListContactRecordsRequest { Parent = s.County.Name })).Records.Select(r => r.Name));
        Assert.Empty((await Cadre.ListContactRecordsAsync(new ListContactRecordsRequest { Parent = s.County.Name, Household = s.P2.Household })).Records);

        // The diary belongs to a visit: a call with one, and a visit without one, are refused on the fields.
        var callWithDiary = Call(s.P1.Household, now.AddHours(-1));
        callWithDiary.Diary = new PeoplesConditionDiary { Done = "x", SeenAndHeard = "y", Thoughts = "z" };
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = callWithDiary }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => (v.Field, v.Reason) == ("record.diary", "NOT_APPLICABLE"));
        var bare = Visit(s.P1.Household, now.AddHours(-1));
        bare.Diary.SeenAndHeard = "";
        e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = bare }));
        Assert.Contains(e.BadRequest()!.FieldViolations, v => (v.Field, v.Reason) == ("record.diary.seen_and_heard", "REQUIRED"));
    }

    [Fact]
    public async Task AFutureContact_AndAnEightDayOldOne_AreRefused_OnOccurTime_AndASevenDayOldOneIsTaken()
    {
        var now = DateTimeOffset.UtcNow;
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P1.Household, now.AddMinutes(10)) }));
        Assert.Equal(("record.occur_time", "IN_FUTURE"), (e.BadRequest()!.FieldViolations[0].Field, e.BadRequest()!.FieldViolations[0].Reason));
        e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Visit(s.P1.Household, now.AddDays(-8)) }));
        Assert.Equal(("record.occur_time", "ENTRY_WINDOW_PASSED"), (e.BadRequest()!.FieldViolations[0].Field, e.BadRequest()!.FieldViolations[0].Reason));

        // Seven days before today (China dates), at 08:00 China time: the last day the window takes.
        var sevenDaysAgo = Boyi.Domain.ChinaTime.Today(TimeProvider.System).AddDays(-7);
        var when = new DateTimeOffset(sevenDaysAgo.ToDateTime(new TimeOnly(8, 0)), TimeSpan.FromHours(8));
        var taken = (await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P1.Household, when) })).Record;
        Assert.Equal(Day(sevenDaysAgo), taken.OccurDate);
    }

    [Fact]
    public async Task TheCountysDutyPolicy_SetsTheEntryWindow_FromTheNextRequest()
    {
        var duties = new DutyPolicyService.DutyPolicyServiceClient(s.Channel);
        var policy = (await duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = $"{s.County.Name}/dutyPolicy" })).Policy;
        var fiveDaysAgo = Boyi.Domain.ChinaTime.Today(TimeProvider.System).AddDays(-5);
        var when = new DateTimeOffset(fiveDaysAgo.ToDateTime(new TimeOnly(8, 0)), TimeSpan.FromHours(8));
        try
        {
            policy.EntryWindowDays = 3;
            policy = (await duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = policy, Reason = "县里规定三天内录入" })).Policy;
            var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
                await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P1.Household, when) }));
            var violation = e.BadRequest()!.FieldViolations[0];
            Assert.Equal(("record.occur_time", "ENTRY_WINDOW_PASSED"), (violation.Field, violation.Reason));
            Assert.Contains("within 3 days", violation.Description, StringComparison.Ordinal);
        }
        finally
        {
            // The other tests of the class enter contacts up to 7 days back.
            policy.EntryWindowDays = 7;
            await duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = policy, Reason = "恢复七天" });
        }
        var taken = (await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P1.Household, when) })).Record;
        Assert.Equal(Day(fiveDaysAgo), taken.OccurDate);
    }

    [Fact]
    public async Task AVisitsPhotos_RoundTrip_AJpegsGpsIsRemoved_AndANonImageIsRefused()
    {
        var visit = (await Cadre.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Visit(s.P1.Household, DateTimeOffset.UtcNow.AddHours(-1)) })).Record;

        var plain = (await Cadre.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = visit.Name, Content = ByteString.CopyFrom(TestImages.Jpeg) })).Photo;
        Assert.Equal(("image/jpeg", 16, 12, false), (plain.ContentType, plain.Width, plain.Height, plain.LocationRemoved));
        var back = await Cadre.GetContactPhotoAsync(new GetContactPhotoRequest { Name = plain.Name });
        Assert.Equal(TestImages.Jpeg, back.Content.ToByteArray());

        var withGps = TestImages.JpegWithGps();
        var located = await Cadre.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = visit.Name, Content = ByteString.CopyFrom(withGps) });
        Assert.True(located.Photo.LocationRemoved);
        var stored = (await Cadre.GetContactPhotoAsync(new GetContactPhotoRequest { Name = located.Photo.Name })).Content.ToByteArray();
        // Every byte as sent but the GPS directory and the latitude it pointed to; the orientation stays.
        Assert.Equal(TestImages.WithoutGps(withGps), stored);
        Assert.NotEqual(withGps, stored);

        var png = (await Cadre.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = visit.Name, Content = ByteString.CopyFrom(TestImages.Png) })).Photo;
        Assert.Equal(("image/png", 10, 7), (png.ContentType, png.Width, png.Height));
        Assert.Equal(TestImages.Png, (await Cadre.GetContactPhotoAsync(new GetContactPhotoRequest { Name = png.Name })).Content.ToByteArray());
        var record = (await Cadre.GetContactRecordAsync(new GetContactRecordRequest { Name = visit.Name })).Record;
        Assert.Equal([plain.Name, located.Photo.Name, png.Name], record.Photos);

        foreach (var bad in new[] { "GIF89a\u0001\u0000\u0001\u0000"u8.ToArray(), "%PDF-1.7"u8.ToArray(), TestImages.Jpeg[..300], TestImages.Png[..40] })
        {
            var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
                await Cadre.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = visit.Name, Content = ByteString.CopyFrom(bad) }));
            Assert.Equal(("content", "NOT_AN_IMAGE"), (e.BadRequest()!.FieldViolations[0].Field, e.BadRequest()!.FieldViolations[0].Reason));
        }
        var tooLarge = new byte[Boyi.Domain.Contacts.ContactPhotos.DefaultMaxBytes + 1];
        TestImages.Jpeg.CopyTo(tooLarge, 0);
        var large = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Cadre.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = visit.Name, Content = ByteString.CopyFrom(tooLarge) }));
        Assert.Equal("IMAGE_TOO_LARGE", large.BadRequest()!.FieldViolations[0].Reason);
    }

    [Fact]
    public async Task TheChangeFeed_CarriesAContactsCreation_Correction_AndPhoto()
    {
        var linkages = new LinkageService.LinkageServiceClient(s.Channel);
        using var watch = linkages.WatchChanges(new WatchChangesRequest { Parent = s.County.Name, StartFromNow = true },
            deadline: DateTime.UtcNow.AddMinutes(2));
        await watch.ResponseHeadersAsync;
        var record = (await Admin.CreateContactRecordAsync(new CreateContactRecordRequest { Record = Call(s.P1.Household, DateTimeOffset.UtcNow.AddHours(-1)) })).Record;
        record = (await Admin.UpdateContactRecordAsync(new UpdateContactRecordRequest
        {
            Record = new ContactRecord { Name = record.Name, Etag = record.Etag, HelpItems = { new HelpItem { Kind = HelpKind.Technology, Description = "砂糖橘修剪技术" } } },
        })).Record;
        await Admin.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = record.Name, Content = ByteString.CopyFrom(TestImages.Png) });

        var seen = new List<(string, string)>();
        while (seen.Count < 3 && await watch.ResponseStream.MoveNext())
        {
            if (watch.ResponseStream.Current.Object.StartsWith(record.Name, StringComparison.Ordinal))
                seen.Add((watch.ResponseStream.Current.Object, watch.ResponseStream.Current.Change));
        }
        Assert.Equal([(record.Name, "contact.created"), (record.Name, "contact.corrected"), ($"{record.Name}/photos/1", "contact.photo_added")], seen);
    }

    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };
}

/// <summary>A controlled clock, a cadre paired with a household, and a second machine client (not the records' author).</summary>
public sealed class ContactClockFixture : ControlledClockFixture
{
    public Pairing P1 { get; private set; } = null!;
    public GrpcChannel OtherClient { get; private set; } = null!;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        (_, P1) = await ContactTests.PairedAsync(this, County.Towns[0]);
        OtherClient = await TestAuth.AdminChannelAsync(Services, HttpAddress, GrpcAddress);
    }
}

/// <summary>The author's correction window, on the server's clock.</summary>
public sealed class ContactCorrectionTests(ContactClockFixture s) : IClassFixture<ContactClockFixture>
{
    [Fact]
    public async Task ACorrection_Within48Hours_IsKeptWithTheOriginal_AndAfter48Hours_IsRefused()
    {
        var author = new ContactService.ContactServiceClient(s.Channel);
        var entered = s.Clock.GetUtcNow();
        var original = (await author.CreateContactRecordAsync(new CreateContactRecordRequest
        {
            Record = ContactTests.Visit(s.P1.Household, entered.AddHours(-2)),
        })).Record;
        Assert.Equal(Timestamp.FromDateTimeOffset(entered.AddHours(48)).Seconds, original.CorrectableUntil.Seconds);

        s.Clock.Advance(TimeSpan.FromHours(47));
        var fix = new ContactRecord
        {
            Name = original.Name, Etag = original.Etag,
            Diary = new PeoplesConditionDiary { Done = "帮助抢收晚稻", SeenAndHeard = "稻谷已黄", Thoughts = "请农机合作社支援" },
        };
        // Only the author corrects; a stale etag is refused; the entry window still counts from the first entry.
        await Api.FailsAsync(StatusCode.PermissionDenied, "NOT_AUTHOR", async () =>
            await new ContactService.ContactServiceClient(s.OtherClient).UpdateContactRecordAsync(new UpdateContactRecordRequest { Record = fix }));
        var corrected = (await author.UpdateContactRecordAsync(new UpdateContactRecordRequest { Record = fix })).Record;
        Assert.Equal((2, "帮助抢收晚稻"), (corrected.Revision, corrected.Diary.Done));
        Assert.Equal(original.Occasions, corrected.Occasions);
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await author.UpdateContactRecordAsync(new UpdateContactRecordRequest { Record = fix }));

        var revisions = (await author.ListContactRecordRevisionsAsync(new ListContactRecordRevisionsRequest { Parent = original.Name })).Revisions;
        Assert.Equal([1, 2], revisions.Select(r => r.Revision));
        Assert.Equal(original.Diary, revisions[0].Record.Diary);
        Assert.Equal(corrected.Diary, revisions[1].Record.Diary);
        Assert.Equal($"client:{s.ClientId}", revisions[1].Actor);

        s.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        fix.Etag = corrected.Etag;
        await Api.FailsAsync(StatusCode.FailedPrecondition, "CORRECTION_WINDOW_PASSED", async () =>
            await author.UpdateContactRecordAsync(new UpdateContactRecordRequest { Record = fix }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "CORRECTION_WINDOW_PASSED", async () =>
            await author.AddContactPhotoAsync(new AddContactPhotoRequest { Parent = original.Name, Content = ByteString.CopyFrom(TestImages.Jpeg) }));
        Assert.Equal(corrected, (await author.GetContactRecordAsync(new GetContactRecordRequest { Name = original.Name })).Record);
    }
}
