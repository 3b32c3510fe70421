using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Common;

/// <summary>A record kept on a household whose id is county × factor + sequence, with the household's area copied onto it.</summary>
public interface IHouseholdRecord
{
    long Id { get; }
    long TownId { get; }
    long VillageId { get; }
    long HouseholdId { get; }
}

/// <summary>Which of a county's household records a list is about: a town or village, a household, the households a cadre is paired with now.</summary>
public sealed record HouseholdRecordScope(int CountyId, long? TownId = null, long? VillageId = null, long? HouseholdId = null, long? PairedCadreId = null);

public static class HouseholdRecords
{
    /// <summary>
    /// The records of <paramref name="scope"/> before id <paramref name="before"/> (a page of a newest-first list): one range of
    /// the id (the county's), narrowed by the area columns, and for a cadre to the households paired with them now.
    /// </summary>
    public static IQueryable<T> Within<T>(this IQueryable<T> rows, BoyiDbContext db, HouseholdRecordScope scope, long idFactor, long? before)
        where T : class, IHouseholdRecord
    {
        var from = scope.CountyId * idFactor;
        var upper = before ?? from + idFactor;
        rows = rows.Where(r => r.Id >= from && r.Id < upper);
        if (scope.TownId is { } town)
            rows = rows.Where(r => r.TownId == town);
        if (scope.VillageId is { } village)
            rows = rows.Where(r => r.VillageId == village);
        if (scope.HouseholdId is { } household)
            rows = rows.Where(r => r.HouseholdId == household);
        if (scope.PairedCadreId is { } paired)
            rows = rows.Where(r => db.Pairings.Any(p => p.HouseholdId == r.HouseholdId && p.CadreId == paired && p.EndDate == null));
        return rows;
    }

    /// <summary>
    /// The household a record is written on: it must exist (NOT_FOUND), be paired now with <paramref name="onlyCadre"/>
    /// when a cadre writes (anything else answers like a missing household) and not be deleted (HOUSEHOLD_DELETED).
    /// </summary>
    public static async Task<HouseholdRow> WritableAsync(BoyiDbContext db, long householdId, long? onlyCadre, CancellationToken ct)
    {
        var household = await db.Households.AsNoTracking().FirstOrDefaultAsync(h => h.Id == householdId, ct)
            ?? throw DomainException.NotFound("household", $"households/{householdId}");
        if (onlyCadre is { } cadre && !await db.Pairings.AnyAsync(p => p.HouseholdId == householdId && p.CadreId == cadre && p.EndDate == null, ct))
            throw DomainException.NotFound("household", $"households/{householdId}");
        if (household.DeleteTime is not null)
            throw DomainException.Precondition("HOUSEHOLD_DELETED", "The household has been deleted from the registry.");
        return household;
    }

    /// <summary>
    /// The household a new record is written on and the record's id: the household must exist (NOT_FOUND), be paired
    /// now with <paramref name="onlyCadre"/> when a cadre writes (anything else answers like a missing household) and not
    /// be deleted (HOUSEHOLD_DELETED); the id is the county's next number of <paramref name="counter"/>.
    /// </summary>
    public static async Task<(HouseholdRow Household, long Id)> NewRecordAsync(BoyiDbContext db, long householdId, long? onlyCadre, string counter,
        long idFactor, string what, CancellationToken ct)
    {
        var household = await WritableAsync(db, householdId, onlyCadre, ct);
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), household.CountyId, counter, 1, ct);
        if (seq >= idFactor)
            throw DomainException.Precondition("COUNTY_FULL", $"The county has used all its {what} numbers.");
        return (household, household.CountyId * idFactor + seq);
    }
}
