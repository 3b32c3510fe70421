using Boyi.Domain.Money;
using Boyi.Infrastructure.Data;
using Boyi.Domain.Errors;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>Which ledger rows a list is about: a county, narrowed by the filters (each null: any).</summary>
public sealed record SubsidyRowQuery(int CountyId, SubsidyKind? Kind = null, SubsidyRowStatus? Status = null, PayeeKind? PayeeKind = null,
    long? PayeeId = null, long? LoanId = null, DateOnly? From = null, DateOnly? To = null, long? Corrects = null);

/// <summary>
/// A row's chain (the row at its head and the corrections naming it) as it stands: <see cref="Version"/> counts its
/// rows (the etag: corrections are only ever added), <see cref="EffectiveFen"/> is what it pays in all.
/// </summary>
public sealed record SubsidyChain(int Version, long EffectiveFen);

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
        if (q.Corrects is { } corrected)
            rows = rows.Where(r => r.CorrectsId == corrected);
        if (after is not null)
            rows = rows.Where(r => r.Id > after);
        return await rows.OrderBy(r => r.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>The chains of <paramref name="rows"/>, by the id of each chain's head.</summary>
    public async Task<Dictionary<long, SubsidyChain>> ChainsOfAsync(IEnumerable<SubsidyLedgerRow> rows, CancellationToken ct)
    {
        var heads = rows.Select(r => r.CorrectsId ?? r.Id).Distinct().ToArray();
        if (heads.Length == 0)
            return [];
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await ChainsAsync(conn, null, heads, ct);
    }

    /// <summary>The chains whose heads are <paramref name="heads"/> (each found through its head's key and the index of corrections).</summary>
    public static async Task<Dictionary<long, SubsidyChain>> ChainsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long[] heads, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT h, count(*)::integer, sum(amount_fen)::bigint FROM (" +
            "SELECT id AS h, amount_fen FROM subsidy_ledger WHERE id = ANY($1) " +
            "UNION ALL SELECT corrects_id, amount_fen FROM subsidy_ledger WHERE corrects_id = ANY($1)) c GROUP BY h", conn, tx);
        cmd.Parameters.Add(new() { Value = heads });
        var chains = new Dictionary<long, SubsidyChain>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            chains[r.GetInt64(0)] = new SubsidyChain(r.GetInt32(1), r.GetInt64(2));
        return chains;
    }

    public static DomainException NotFound(long id) => DomainException.NotFound("subsidy row", $"subsidyRows/{id}");
}
