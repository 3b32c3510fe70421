using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Enterprises;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;

namespace Boyi.Infrastructure.Contacts;

/// <summary>
/// A contact card (联系卡) handed to a household on a day: one row per household and issue date, with the cadre and
/// card number of the pairing in force that day and the area copied from the household (area lists need no join).
/// The id is county × 10^10 + sequence.
/// </summary>
public sealed class ContactCardIssueRow : IHouseholdRecord
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    public long CadreId { get; set; }
    public long PairingId { get; set; }
    public required string ContactCardNumber { get; set; }
    public DateOnly IssueDate { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class ContactCardIssueConfiguration : IEntityTypeConfiguration<ContactCardIssueRow>
{
    public void Configure(EntityTypeBuilder<ContactCardIssueRow> e)
    {
        e.ToTable("contact_card_issues");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.ContactCardNumber).HasMaxLength(32);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasOne<PairingRow>().WithMany().HasForeignKey(x => x.PairingId);
        // A household's card is recorded once per day: recording a sheet again adds nothing.
        e.HasIndex(x => new { x.HouseholdId, x.IssueDate }).IsUnique();
        e.HasIndex(x => new { x.CountyId, x.Id });
        e.HasIndex(x => new { x.TownId, x.Id });
        e.HasIndex(x => new { x.CadreId, x.Id });
    }
}

/// <summary>Which card issues a list is about: a county narrowed to a town, village, household or cadre, and a cadre's reach (households paired with them now).</summary>
public sealed record ContactCardQuery(int CountyId, long? TownId = null, long? VillageId = null, long? HouseholdId = null, long? CadreId = null,
    long? PairedCadreId = null);

/// <summary>Contact cards issued to households, recorded in one transaction with their change events.</summary>
public sealed class ContactCardStore(Database database, TimeProvider clock)
{
    public static string Name(long id) => $"contactCardIssues/{id}";

    /// <summary>The town a cadre is linked to, or null for no such cadre in <paramref name="countyId"/>.</summary>
    public async Task<long?> LinkedTownOfCadreAsync(int countyId, long cadreId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Cadres.AsNoTracking().Where(c => c.Id == cadreId && c.CountyId == countyId).Select(c => (long?)c.LinkedTownId).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Records a card issued on <paramref name="issueDate"/> to every household of the county (narrowed to a town and/or a
    /// cadre) that is in the registry and paired on that day, except those already recorded for that day.
    /// </summary>
    public async Task<(int Issued, int Already)> RecordIssuedAsync(BoyiDbContext db, int countyId, long? townId, long? cadreId, DateOnly issueDate,
        string actor, CancellationToken ct)
    {
        // The change log's lock orders every writer of change events; taken first, it also serialises two recordings of
        // one sheet, so the second sees the first's rows and adds nothing.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({ChangeLog.OrderLockKey})", ct);
        var households = db.Households.Where(h => h.CountyId == countyId && h.DeleteTime == null);
        if (townId is { } town)
            households = households.Where(h => h.TownId == town);
        var pairings = db.Pairings.Where(p => p.CountyId == countyId && p.StartDate <= issueDate && (p.EndDate == null || p.EndDate >= issueDate));
        if (cadreId is { } cadre)
            pairings = pairings.Where(p => p.CadreId == cadre);
        var paired = await pairings.Join(households, p => p.HouseholdId, h => h.Id, (p, h) => new { Pairing = p, h.TownId, h.VillageId })
            .AsNoTracking().OrderBy(x => x.Pairing.HouseholdId).ToListAsync(ct);
        var ids = paired.Select(x => x.Pairing.HouseholdId).ToList();
        var done = (await db.ContactCardIssues.Where(i => i.IssueDate == issueDate && ids.Contains(i.HouseholdId)).Select(i => i.HouseholdId).ToListAsync(ct))
            .ToHashSet();
        var fresh = paired.Where(x => !done.Contains(x.Pairing.HouseholdId)).ToList();
        if (fresh.Count == 0)
            return (0, done.Count);
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, "contact_card_issue", fresh.Count, ct);
        if (seq + fresh.Count > ContactStore.IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its contact card numbers.");
        var now = clock.UtcNow();
        foreach (var (x, i) in fresh.Select((x, i) => (x, i)))
        {
            var row = new ContactCardIssueRow
            {
                Id = countyId * ContactStore.IdFactor + seq + i, CountyId = countyId, TownId = x.TownId, VillageId = x.VillageId,
                HouseholdId = x.Pairing.HouseholdId, CadreId = x.Pairing.CadreId, PairingId = x.Pairing.Id, ContactCardNumber = x.Pairing.ContactCardNumber,
                IssueDate = issueDate, Actor = actor, CreateTime = now,
            };
            db.ContactCardIssues.Add(row);
            await ChangeLog.RecordAsync(db, countyId, Name(row.Id), "contact_card.issued", actor, now, ct);
        }
        await db.SaveChangesAsync(ct);
        return (fresh.Count, done.Count);
    }

    public async Task<List<ContactCardIssueRow>> ListAsync(ContactCardQuery q, long? before, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.ContactCardIssues.AsNoTracking()
            .Within(db, new HouseholdRecordScope(q.CountyId, q.TownId, q.VillageId, q.HouseholdId, q.PairedCadreId), ContactStore.IdFactor, before);
        if (q.CadreId is { } cadre)
            rows = rows.Where(r => r.CadreId == cadre);
        return await rows.OrderByDescending(r => r.Id).Take(take).ToListAsync(ct);
    }
}
