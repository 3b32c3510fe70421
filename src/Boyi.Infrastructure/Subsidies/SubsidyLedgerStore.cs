using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>Which ledger rows a list is about: a county, narrowed by the filters (each null: any).</summary>
public sealed record SubsidyRowQuery(int CountyId, SubsidyKind? Kind = null, SubsidyRowStatus? Status = null, PayeeKind? PayeeKind = null,
    long? PayeeId = null, long? LoanId = null, DateOnly? From = null, DateOnly? To = null);

/// <summary>Reads the subsidy ledger (the runs write it: <see cref="InterestSubsidyStore"/>, <see cref="EmploymentSubsidyStore"/>).</summary>
public sealed class SubsidyLedgerStore(Database database)
{
    public async Task<SubsidyLedgerRow?> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<SubsidyLedgerRow>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
    }

    /// <summary>A page of rows by id, after the key <paramref name="after"/>.</summary>
    public async Task<List<SubsidyLedgerRow>> ListAsync(SubsidyRowQuery q, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = db.Set<SubsidyLedgerRow>().AsNoTracking().Where(r => r.CountyId == q.CountyId);
        if (q.Kind is { } kind)
            rows = rows.Where(r => r.Kind == kind);
        if (q.Status is { } status)
            rows = rows.Where(r => r.Status == status);
        if (q.PayeeKind is { } payeeKind)
            rows = rows.Where(r => r.PayeeKind == payeeKind && r.PayeeId == q.PayeeId);
        if (q.LoanId is { } loan)
            rows = rows.Where(r => r.LoanId == loan);
        if (q.From is { } from)
            rows = rows.Where(r => r.AccrualDate >= from);
        if (q.To is { } to)
            rows = rows.Where(r => r.AccrualDate <= to);
        if (after is not null)
            rows = rows.Where(r => r.Id > after);
        return await rows.OrderBy(r => r.Id).Take(take).ToListAsync(ct);
    }
}
