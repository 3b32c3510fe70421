using System.Text.Json;
using Boyi.Domain.Contacts;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Contacts;

/// <summary>A record as read: the row, its occasions and help items in order, and its photos' numbers.</summary>
public sealed record ContactRecordView(ContactRecordRow Row, IReadOnlyList<ContactOccasionRow> Occasions, IReadOnlyList<ContactHelpItemRow> HelpItems,
    IReadOnlyList<short> Photos)
{
    public ContactContent Content => new(Row.Kind, Row.OccurTime,
        Occasions.Select(o => new ContactOccasion(o.Kind, o.Reference)).ToList(),
        HelpItems.Select(h => new HelpItem(h.Kind, h.Description, h.AmountFen)).ToList(),
        Row.DiaryDone is null ? null : new PeoplesConditionDiary(Row.DiaryDone, Row.DiarySeenAndHeard ?? "", Row.DiaryThoughts ?? ""));
}

/// <summary>A record's content at one revision.</summary>
public sealed record ContactRevision(long RecordId, int Revision, ContactContent Content, string Actor, DateTime CreateTime);

/// <summary>
/// Which records a list is about: a county, narrowed to a town or village, a household, a cadre's records, the
/// households a cadre is paired with now (a cadre's reach), and a range of China dates.
/// </summary>
public sealed record ContactQuery(int CountyId, long? TownId = null, long? VillageId = null, long? HouseholdId = null, long? CadreId = null,
    long? PairedCadreId = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>
/// Contact records, their revisions and photos. A record is written with its first revision and its change event
/// in one transaction; a correction or a photo locks the record row (FOR UPDATE), checks the author, the correction
/// window and the etag against the locked row, and writes the next revision (or the photo) and its change event in
/// the same transaction, so two corrections racing each other cannot both pass the window or the etag.
/// </summary>
public sealed class ContactStore(Database database, TimeProvider clock)
{
    public const long IdFactor = 10_000_000_000;
    public const int MaxPhotos = 9;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Name(long id) => $"contactRecords/{id}";

    /// <summary>A revision's content as stored (the demo seeder writes first revisions with it too).</summary>
    internal static string SerializeContent(ContactContent content) => JsonSerializer.Serialize(content, Json);

    /// <summary>
    /// Records a contact with <paramref name="householdId"/>: the cadre is the one of the pairing in force on the
    /// contact's China date. <paramref name="onlyCadre"/>, for a cadre writing, requires that pairing to be theirs and
    /// active now (anything else answers like a missing household).
    /// </summary>
    public async Task<ContactRecordView> CreateAsync(BoyiDbContext db, long householdId, ContactContent content, ContactEntryRules rules,
        long? onlyCadre, string actor, CancellationToken ct)
    {
        var household = await db.Households.AsNoTracking().FirstOrDefaultAsync(h => h.Id == householdId, ct)
            ?? throw DomainException.NotFound("household", $"households/{householdId}");
        if (household.DeleteTime is not null)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "The household has been deleted from the registry.");
        var date = Domain.ChinaTime.DateOf(content.OccurTimeUtc);
        var pairing = await db.Pairings.AsNoTracking()
            .Where(p => p.HouseholdId == householdId && p.StartDate <= date && (p.EndDate == null || p.EndDate >= date))
            .OrderByDescending(p => p.StartDate).FirstOrDefaultAsync(ct);
        if (onlyCadre is { } cadre && (pairing is null || pairing.CadreId != cadre || pairing.EndDate is not null))
            throw DomainException.NotFound("household", $"households/{householdId}");
        if (pairing is null)
            throw new DomainException(ErrorKind.FailedPrecondition, "HOUSEHOLD_NOT_PAIRED", "No cadre was paired with the household on the day of the contact.",
                [new FieldViolation("record.occur_time", "HOUSEHOLD_NOT_PAIRED", "no cadre was paired with the household on this day")]);
        var now = clock.UtcNow();
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), household.CountyId, "contact_record", 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its contact record numbers.");
        var row = new ContactRecordRow
        {
            Id = household.CountyId * IdFactor + seq, CountyId = household.CountyId, TownId = household.TownId, VillageId = household.VillageId,
            HouseholdId = householdId, CadreId = pairing.CadreId, PairingId = pairing.Id, Author = actor, Revision = 1, Version = 1,
            CreateTime = now, UpdateTime = now, CorrectableUntil = rules.CorrectableUntil(now),
        };
        var view = Apply(db, row, content);
        db.ContactRecords.Add(row);
        AddRevision(db, row, content, actor, now);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(row.Id), "contact.created", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return view;
    }

    public async Task<ContactRecordView> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.ContactRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw NotFound(id);
        return (await ViewsAsync(db, [row], ct))[0];
    }

    public async Task<List<ContactRecordView>> ListAsync(ContactQuery q, long? before, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.ContactRecords.AsNoTracking()
            .Within(db, new HouseholdRecordScope(q.CountyId, q.TownId, q.VillageId, q.HouseholdId, q.PairedCadreId), IdFactor, before);
        if (q.CadreId is { } cadre)
            rows = rows.Where(r => r.CadreId == cadre);
        if (q.From is { } start)
            rows = rows.Where(r => r.OccurDate >= start);
        if (q.To is { } end)
            rows = rows.Where(r => r.OccurDate <= end);
        var page = await rows.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
        return await ViewsAsync(db, page, ct);
    }

    /// <summary>
    /// Corrects a record under its row lock: the author only, within the correction window, at the expected version;
    /// <paramref name="correct"/> gives the new content from the current one, checked by <paramref name="rules"/>
    /// against the time the record was entered (the entry window does not move with a correction).
    /// </summary>
    public async Task<ContactRecordView> CorrectAsync(BoyiDbContext db, long id, int? expectedVersion, Func<ContactContent, ContactContent> correct,
        ContactEntryRules rules, string actor, CancellationToken ct)
    {
        var row = await LockAsync(db, id, ct);
        var now = clock.UtcNow();
        CheckCorrectable(row, actor, now);
        Registry.RegistryStore.CheckVersion(expectedVersion, row.Version, Name(id));
        var current = (await ViewsAsync(db, [row], ct))[0];
        var content = correct(current.Content);
        var v = new Violations();
        rules.Check(v, content, row.CreateTime);
        if (!v.Any)
        {
            var pairing = await db.Pairings.AsNoTracking().FirstAsync(p => p.Id == row.PairingId, ct);
            var date = Domain.ChinaTime.DateOf(content.OccurTimeUtc);
            if (date < pairing.StartDate || pairing.EndDate is { } end && date > end)
                v.Add("record.occur_time", "HOUSEHOLD_NOT_PAIRED", "the record's pairing was not in force on this day");
        }
        v.ThrowIfAny();
        await db.ContactOccasions.Where(o => o.RecordId == id).ExecuteDeleteAsync(ct);
        await db.ContactHelpItems.Where(h => h.RecordId == id).ExecuteDeleteAsync(ct);
        var view = Apply(db, row, content) with { Photos = current.Photos };
        row.Revision++;
        row.Version++;
        row.UpdateTime = now;
        AddRevision(db, row, content, actor, now);
        await ChangeLog.RecordAsync(db, row.CountyId, Name(id), "contact.corrected", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return view;
    }

    /// <summary>Adds a checked photo under the record's row lock: the author only, within the correction window, up to <see cref="MaxPhotos"/>.</summary>
    public async Task<(ContactPhotoRow Photo, ContactRecordView Record)> AddPhotoAsync(BoyiDbContext db, long id, CheckedPhoto photo, string actor,
        CancellationToken ct)
    {
        var row = await LockAsync(db, id, ct);
        var now = clock.UtcNow();
        CheckCorrectable(row, actor, now);
        if (row.PhotoCount >= MaxPhotos)
            throw DomainException.Precondition("TOO_MANY_PHOTOS", $"A record holds at most {MaxPhotos} photos.");
        var added = new ContactPhotoRow
        {
            RecordId = id, Number = (short)(row.PhotoCount + 1), CountyId = row.CountyId, ContentType = photo.ContentType, Content = photo.Content,
            SizeBytes = photo.Content.Length, Width = photo.Width, Height = photo.Height, LocationRemoved = photo.LocationRemoved, Actor = actor, CreateTime = now,
        };
        db.ContactPhotos.Add(added);
        row.PhotoCount++;
        row.Version++;
        row.UpdateTime = now;
        await ChangeLog.RecordAsync(db, row.CountyId, $"{Name(id)}/photos/{added.Number}", "contact.photo_added", actor, now, ct);
        await db.SaveChangesAsync(ct);
        return (added, (await ViewsAsync(db, [row], ct))[0]);
    }

    public async Task<ContactPhotoRow> GetPhotoAsync(long id, short number, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.ContactPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.RecordId == id && p.Number == number, ct)
            ?? throw DomainException.NotFound("contact photo", $"{Name(id)}/photos/{number}");
    }

    public async Task<List<ContactRevision>> ListRevisionsAsync(long id, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.ContactRecordRevisions.AsNoTracking().Where(r => r.RecordId == id && (after == null || r.Revision > after))
            .OrderBy(r => r.Revision).Take(take).ToListAsync(ct);
        return rows.Select(r => new ContactRevision(id, r.Revision, JsonSerializer.Deserialize<ContactContent>(r.Content, Json)!, r.Actor, r.CreateTime)).ToList();
    }

    private void CheckCorrectable(ContactRecordRow row, string actor, DateTime now) =>
        new ContactEntryRules(correctionWindow: row.CorrectableUntil - row.CreateTime).RequireCorrectable(row.Author, actor, row.CreateTime, now);

    private static async Task<ContactRecordRow> LockAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.ContactRecords.FromSql($"SELECT * FROM contact_records WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);

    /// <summary>Sets the row's content columns and adds its occasion and help rows; the view of the record as written.</summary>
    private static ContactRecordView Apply(BoyiDbContext db, ContactRecordRow row, ContactContent content)
    {
        row.Kind = content.Kind;
        row.OccurTime = content.OccurTimeUtc;
        row.OccurDate = Domain.ChinaTime.DateOf(content.OccurTimeUtc);
        row.DiaryDone = content.Diary?.Done;
        row.DiarySeenAndHeard = content.Diary?.SeenAndHeard;
        row.DiaryThoughts = content.Diary?.Thoughts;
        var occasions = content.Occasions.Select((o, i) => new ContactOccasionRow
        {
            RecordId = row.Id, Position = (short)(i + 1), CountyId = row.CountyId, Kind = o.Kind, Reference = o.Reference,
        }).ToList();
        var help = content.HelpItems.Select((h, i) => new ContactHelpItemRow
        {
            RecordId = row.Id, Position = (short)(i + 1), CountyId = row.CountyId, Kind = h.Kind, Description = h.Description, AmountFen = h.AmountFen,
        }).ToList();
        db.ContactOccasions.AddRange(occasions);
        db.ContactHelpItems.AddRange(help);
        return new ContactRecordView(row, occasions, help, []);
    }

    private static void AddRevision(BoyiDbContext db, ContactRecordRow row, ContactContent content, string actor, DateTime now) =>
        db.ContactRecordRevisions.Add(new ContactRecordRevisionRow
        {
            RecordId = row.Id, Revision = row.Revision, CountyId = row.CountyId, Content = SerializeContent(content), Actor = actor, CreateTime = now,
        });

    private static async Task<List<ContactRecordView>> ViewsAsync(BoyiDbContext db, List<ContactRecordRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToArray();
        var occasions = (await db.ContactOccasions.AsNoTracking().Where(o => ids.Contains(o.RecordId)).OrderBy(o => o.Position).ToListAsync(ct)).ToLookup(o => o.RecordId);
        var help = (await db.ContactHelpItems.AsNoTracking().Where(h => ids.Contains(h.RecordId)).OrderBy(h => h.Position).ToListAsync(ct)).ToLookup(h => h.RecordId);
        var photos = (await db.ContactPhotos.AsNoTracking().Where(p => ids.Contains(p.RecordId)).OrderBy(p => p.Number)
            .Select(p => new { p.RecordId, p.Number }).ToListAsync(ct)).ToLookup(p => p.RecordId, p => p.Number);
        return rows.Select(r => new ContactRecordView(r, occasions[r.Id].ToList(), help[r.Id].ToList(), photos[r.Id].ToList())).ToList();
    }

    private static DomainException NotFound(long id) => DomainException.NotFound("contact record", Name(id));
}
