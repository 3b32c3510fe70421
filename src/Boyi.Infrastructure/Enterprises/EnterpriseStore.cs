using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.PersonalData;
using Boyi.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>Which enterprises a list is about.</summary>
public sealed record EnterpriseQuery(int CountyId, long? TownId = null, EnterpriseStatus? Status = null, long? OnlyId = null);

/// <summary>An approved enterprise in the county's directory of partners.</summary>
public sealed record PartnerRow(long Id, string DisplayName, long TownId, Industry Industry);

/// <summary>Enterprises: registration (with the first enterprise user), decisions by county staff, history.</summary>
public sealed class EnterpriseStore(Database database, TimeProvider clock)
{
    /// <summary>Registers a pending enterprise in the town it is stationed in; the credit code must be new.</summary>
    public async Task<EnterpriseRow> RegisterAsync(BoyiDbContext db, EnterpriseRow enterprise, string actor, CancellationToken ct)
    {
        var town = await db.Towns.AsNoTracking().FirstOrDefaultAsync(t => t.Id == enterprise.TownId, ct);
        if (town is null || town.CountyId != enterprise.CountyId)
            throw DomainException.Invalid("enterprise.town", "NOT_FOUND", "is not a town of this county");
        if (await db.Enterprises.AnyAsync(e => e.CreditCode == enterprise.CreditCode, ct))
            throw CreditCodeTaken();
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var seq = await IdAllocator.ReserveAsync(conn, enterprise.CountyId, "enterprise", 1, ct);
        if (seq >= Ids.EnterpriseSeqFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all enterprise numbers.");
        var now = clock.UtcNow();
        enterprise.Id = enterprise.CountyId * Ids.EnterpriseSeqFactor + seq;
        enterprise.Status = EnterpriseStatus.Pending;
        enterprise.Version = 1;
        enterprise.CreateTime = now;
        enterprise.UpdateTime = now;
        database.Protector.Seal(enterprise);
        db.Enterprises.Add(enterprise);
        db.EnterpriseStatusChanges.Add(new EnterpriseStatusChangeRow
        {
            EnterpriseId = enterprise.Id, FromStatus = null, ToStatus = EnterpriseStatus.Pending, Actor = actor, Reason = "registered", ChangeTime = now,
        });
        await ChangeLog.RecordAsync(db, enterprise.CountyId, $"enterprises/{enterprise.Id}", "enterprise.registered", actor, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            throw CreditCodeTaken();
        }
        return enterprise;
    }

    public async Task<EnterpriseRow> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Enterprises.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct) ?? throw NotFound(id);
        return database.Protector.Open(row);
    }

    public async Task<List<EnterpriseRow>> ListAsync(EnterpriseQuery q, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = InCounty(db, q.CountyId);
        if (q.TownId is { } town)
            rows = rows.Where(e => e.TownId == town);
        if (q.Status is { } status)
            rows = rows.Where(e => e.Status == status);
        if (q.OnlyId is { } only)
            rows = rows.Where(e => e.Id == only);
        if (after is not null)
            rows = rows.Where(e => e.Id > after);
        var page = await rows.OrderBy(e => e.Id).Take(take).ToListAsync(ct);
        return page.Select(database.Protector.Open).ToList();
    }

    /// <summary>
    /// The county's approved enterprises as its directory of partners shows them: name, town and industry only (the
    /// contact's encrypted phone is neither read nor decrypted).
    /// </summary>
    public async Task<List<PartnerRow>> ListPartnersAsync(int countyId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await InCounty(db, countyId)
            .Where(e => e.Status == EnterpriseStatus.Approved && (after == null || e.Id > after))
            .OrderBy(e => e.Id).Take(take)
            .Select(e => new PartnerRow(e.Id, e.DisplayName, e.TownId, e.Industry))
            .ToListAsync(ct);
    }

    /// <summary>The county's enterprises: one range of the key (county × 10^6 + sequence).</summary>
    private static IQueryable<EnterpriseRow> InCounty(BoyiDbContext db, int countyId)
    {
        var from = countyId * Ids.EnterpriseSeqFactor;
        return db.Enterprises.AsNoTracking().Where(e => e.Id >= from && e.Id < from + Ids.EnterpriseSeqFactor);
    }

    /// <summary>A decision of county staff: approve, reject, suspend, or lift a suspension (approve again).</summary>
    public async Task<EnterpriseRow> DecideAsync(BoyiDbContext db, long id, int? expectedVersion, EnterpriseStatus to, string? reason,
        string actor, CancellationToken ct)
    {
        var row = await db.Enterprises.FromSql($"SELECT * FROM enterprises WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct)
            ?? throw NotFound(id);
        RegistryStore.CheckVersion(expectedVersion, row.Version, $"enterprises/{id}");
        var from = row.Status;
        row.Status = EnterpriseRules.Decide(from, to);
        row.StatusReason = reason;
        row.Version++;
        row.UpdateTime = clock.UtcNow();
        db.EnterpriseStatusChanges.Add(new EnterpriseStatusChangeRow
        {
            EnterpriseId = id, FromStatus = from, ToStatus = to, Actor = actor, Reason = reason, ChangeTime = row.UpdateTime,
        });
        await ChangeLog.RecordAsync(db, row.CountyId, $"enterprises/{id}", $"enterprise.{to.ToString().ToLowerInvariant()}", actor, row.UpdateTime, ct);
        await db.SaveChangesAsync(ct);
        return database.Protector.Open(row);
    }

    public async Task<List<EnterpriseStatusChangeRow>> ListStatusChangesAsync(long id, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        if (!await db.Enterprises.AnyAsync(e => e.Id == id, ct))
            throw NotFound(id);
        return await db.EnterpriseStatusChanges.AsNoTracking()
            .Where(c => c.EnterpriseId == id && (after == null || c.Id > after))
            .OrderBy(c => c.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>Whether the enterprise may act (its users sign in, its linkages proceed): approved, not pending, rejected or suspended.</summary>
    public async Task<bool> IsApprovedAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Enterprises.AnyAsync(e => e.Id == id && e.Status == EnterpriseStatus.Approved, ct);
    }

    private static DomainException NotFound(long id) => DomainException.NotFound("enterprise", $"enterprises/{id}");

    private static DomainException CreditCodeTaken() =>
        DomainException.Conflict("CREDIT_CODE_TAKEN", "An enterprise with this unified social credit code is already registered.",
            [new FieldViolation("enterprise.credit_code", "CREDIT_CODE_TAKEN", "is already registered")]);
}
