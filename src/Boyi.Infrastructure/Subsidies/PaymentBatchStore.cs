using System.Security.Cryptography;
using Boyi.Domain.Errors;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>What a new batch gathers: the county's due rows of a kind accrued in a date range, optionally of one payee.</summary>
public sealed record PaymentBatchSelection(int CountyId, SubsidyKind Kind, DateOnly From, DateOnly To, PayeeKind? PayeeKind, long? PayeeId, string? Note);

/// <summary>
/// One ledger row of a batch with its payee: the enterprise's or lender's name, and the account column of the export.
/// Boyi keeps no bank accounts: <see cref="PayeeAccount"/> is the identifier the finance bureau matches against its own
/// register of payee accounts — an enterprise's unified social credit code, a lender's resource name.
/// </summary>
public sealed record PaymentBatchLine(long LedgerId, SubsidyKind Kind, PayeeKind PayeeKind, long PayeeId, string PayeeName, string PayeeAccount,
    DateOnly AccrualDate, long AmountFen, string Reason, SubsidyRowStatus Status, long? PlacementId, long? LoanId);

/// <summary>Everything the export sheet shows.</summary>
public sealed record PaymentBatchSheet(PaymentBatchRow Batch, string CountyName, IReadOnlyList<PaymentBatchLine> Lines);

/// <summary>
/// Payment batches of the subsidy ledger. Building a batch moves its rows from due to "in a batch" in the same
/// transaction, claiming them with <c>FOR UPDATE SKIP LOCKED</c> and a conditional update, so concurrent builders
/// never take the same row; cancelling gives them back; marking paid pays them, after which the ledger's trigger
/// keeps them from any change.
/// </summary>
public sealed class PaymentBatchStore(Database database, TimeProvider clock)
{
    public const long IdFactor = 1_000_000;

    public async Task<PaymentBatchRow> CreateAsync(BoyiDbContext db, PaymentBatchSelection s, string actor, CancellationToken ct)
    {
        if (!PaymentBatchRules.IsPaidByCounty(s.Kind))
            throw DomainException.Invalid("batch.kind", "NOT_PAID_BY_COUNTY", "only employment and interest subsidies are paid by the county");
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        // Rows another builder holds are skipped, not waited for: they are that batch's.
        var due = new List<(long Id, long AmountFen, PayeeKind PayeeKind, long PayeeId)>();
        await using (var claim = new NpgsqlCommand(
            "SELECT id, amount_fen, payee_kind, payee_id FROM subsidy_ledger WHERE county_id = $1 AND kind = $2 AND status = 1 AND accrual_date BETWEEN $3 AND $4 " +
            "AND ($5::integer IS NULL OR (payee_kind = $5 AND payee_id = $6)) ORDER BY id FOR UPDATE SKIP LOCKED", conn))
        {
            claim.Parameters.AddWithValue(s.CountyId);
            claim.Parameters.AddWithValue((int)s.Kind);
            claim.Parameters.AddWithValue(s.From);
            claim.Parameters.AddWithValue(s.To);
            claim.Parameters.Add(new NpgsqlParameter { Value = s.PayeeKind is { } k ? (int)k : (object)DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
            claim.Parameters.Add(new NpgsqlParameter { Value = (object?)s.PayeeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            await using var r = await claim.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                due.Add((r.GetInt64(0), r.GetInt64(1), (PayeeKind)r.GetInt32(2), r.GetInt64(3)));
        }
        // Corrections may be negative: a payee whose rows net to zero or less keeps them all for a later batch.
        var taken = PaymentBatchRules.NetByPayee(due, d => (d.PayeeKind, d.PayeeId), d => d.AmountFen);
        var ids = taken.Select(d => d.Id).Order().ToArray();
        var total = taken.Sum(d => d.AmountFen);
        if (ids.Length == 0)
            throw DomainException.Precondition("NOTHING_DUE",
                "No due row of this kind, date range and payee is left to gather (it is paid, in another batch, or not accrued yet), " +
                "or what is due to each payee nets to nothing after corrections.");

        var seq = await IdAllocator.ReserveAsync(conn, s.CountyId, "payment_batch", 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", "The county has used all its payment batch numbers.");
        var now = clock.UtcNow();
        var batch = new PaymentBatchRow
        {
            Id = s.CountyId * IdFactor + seq, CountyId = s.CountyId, Kind = s.Kind, AccrualFrom = s.From, AccrualTo = s.To,
            PayeeKind = s.PayeeKind, PayeeId = s.PayeeId, State = PaymentBatchState.Draft, RowCount = ids.Length, TotalFen = total,
            Note = s.Note, CreatedBy = actor, Version = 1, CreateTime = now, UpdateTime = now,
        };
        db.Add(batch);
        await db.SaveChangesAsync(ct);
        await using (var take = new NpgsqlCommand("UPDATE subsidy_ledger SET status = 2, batch_id = $1 WHERE id = ANY($2) AND status = 1", conn))
        {
            take.Parameters.AddWithValue(batch.Id);
            take.Parameters.AddWithValue(ids);
            if (await take.ExecuteNonQueryAsync(ct) != ids.Length)
                throw new InvalidOperationException($"Payment batch {batch.Id}: claimed rows changed under their locks.");
        }
        return batch;
    }

    public async Task<PaymentBatchRow> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentBatchRow>().AsNoTracking().FirstOrDefaultAsync(b => b.Id == id, ct) ?? throw NotFound(id);
    }

    /// <summary>A county's batches, newest first, before the key <paramref name="before"/>.</summary>
    public async Task<List<PaymentBatchRow>> ListAsync(int countyId, PaymentBatchState? state, long? before, int limit, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var from = countyId * IdFactor;
        var q = db.Set<PaymentBatchRow>().AsNoTracking().Where(b => b.Id > from && b.Id < from + IdFactor);
        if (state is { } st)
            q = q.Where(b => b.State == st);
        if (before is { } k)
            q = q.Where(b => b.Id < k);
        return await q.OrderByDescending(b => b.Id).Take(limit).ToListAsync(ct);
    }

    /// <summary>The rows of a batch with their payees, in ledger order after <paramref name="after"/>.</summary>
    public async Task<List<PaymentBatchLine>> ListLinesAsync(long batchId, long? after, int limit, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        return await ReadLinesAsync(conn, null, batchId, after, limit, ct);
    }

    public Task<PaymentBatchRow> ApproveAsync(BoyiDbContext db, long id, int? version, string actor, CancellationToken ct) =>
        StepAsync(db, id, version, b =>
        {
            PaymentBatchRules.CheckApproval(b.State, b.CreatedBy, actor);
            b.State = PaymentBatchState.Approved;
            b.ApprovedBy = actor;
            b.ApproveTime = clock.UtcNow();
            return Task.CompletedTask;
        }, ct);

    /// <summary>Cancels a batch that is not paid: its rows are due again.</summary>
    public Task<PaymentBatchRow> CancelAsync(BoyiDbContext db, long id, int? version, string actor, string reason, CancellationToken ct) =>
        StepAsync(db, id, version, async b =>
        {
            PaymentBatchRules.CheckCancel(b.State);
            await MoveRowsAsync(db, b, "status = 1, batch_id = NULL", ct);
            b.State = PaymentBatchState.Cancelled;
            b.CancelledBy = actor;
            b.CancelReason = reason;
            b.CancelTime = clock.UtcNow();
        }, ct);

    /// <summary>Records that the finance bureau paid an exported batch on <paramref name="paidDate"/>: its rows are paid, for good.</summary>
    public Task<PaymentBatchRow> MarkPaidAsync(BoyiDbContext db, long id, int? version, string actor, DateOnly paidDate, CancellationToken ct) =>
        StepAsync(db, id, version, async b =>
        {
            PaymentBatchRules.CheckPaid(b.State, b.ExportTime is not null);
            await MoveRowsAsync(db, b, "status = 3", ct);
            b.State = PaymentBatchState.Paid;
            b.PaidBy = actor;
            b.PaidDate = paidDate;
            b.PayTime = clock.UtcNow();
        }, ct);

    /// <summary>
    /// Writes the batch's export once: the first run renders the sheet and stores it; a rerun (a retried job) finds it
    /// and changes nothing. <paramref name="complete"/> runs in the same transaction (the operation's result), so the
    /// file and the operation's answer commit together.
    /// </summary>
    public Task<PaymentBatchExportRow> ExportAsync(long batchId, string exportedBy, Func<PaymentBatchSheet, (string FileName, byte[] Content)> render,
        Func<PaymentBatchExportRow, NpgsqlConnection, NpgsqlTransaction, Task> complete, CancellationToken ct) =>
        database.InTransactionAsync(async (db, ct) =>
        {
            var batch = await LockAsync(db, batchId, ct);
            var conn = (NpgsqlConnection)db.Database.GetDbConnection();
            var tx = (NpgsqlTransaction)Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(db.Database.CurrentTransaction!);
            var export = await db.Set<PaymentBatchExportRow>().FirstOrDefaultAsync(x => x.BatchId == batchId, ct);
            if (export is null)
            {
                PaymentBatchRules.CheckExport(batch.State);
                var county = await db.Counties.Where(c => c.Id == batch.CountyId).Select(c => c.DisplayName).SingleAsync(ct);
                var lines = await ReadLinesAsync(conn, tx, batchId, null, int.MaxValue, ct);
                var (fileName, content) = render(new PaymentBatchSheet(batch, county, lines));
                var now = clock.UtcNow();
                export = new PaymentBatchExportRow
                {
                    BatchId = batchId, FileName = fileName, Content = content, Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
                    ExportedBy = exportedBy, CreateTime = now,
                };
                db.Add(export);
                batch.ExportTime = now;
                batch.UpdateTime = now;
                batch.Version++;
                await db.SaveChangesAsync(ct);
            }
            await complete(export, conn, tx);
            return export;
        }, ct);

    public async Task<PaymentBatchExportRow?> GetExportAsync(long batchId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Set<PaymentBatchExportRow>().AsNoTracking().FirstOrDefaultAsync(x => x.BatchId == batchId, ct);
    }

    public static DomainException NotFound(long id) => DomainException.NotFound("payment batch", $"paymentBatches/{id}");

    private async Task<PaymentBatchRow> StepAsync(BoyiDbContext db, long id, int? version, Func<PaymentBatchRow, Task> step, CancellationToken ct)
    {
        var batch = await LockAsync(db, id, ct);
        Registry.RegistryStore.CheckVersion(version, batch.Version, $"paymentBatches/{id}");
        await step(batch);
        batch.Version++;
        batch.UpdateTime = clock.UtcNow();
        await db.SaveChangesAsync(ct);
        return batch;
    }

    private static async Task<PaymentBatchRow> LockAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.Set<PaymentBatchRow>().FromSql($"SELECT * FROM payment_batches WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct) ?? throw NotFound(id);

    /// <summary>Moves every row of the batch (all "in a batch": a batch's rows move together) with <paramref name="set"/>.</summary>
    private static async Task MoveRowsAsync(BoyiDbContext db, PaymentBatchRow batch, string set, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"UPDATE subsidy_ledger SET {set} WHERE batch_id = $1 AND status = 2", (NpgsqlConnection)db.Database.GetDbConnection());
        cmd.Parameters.AddWithValue(batch.Id);
        if (await cmd.ExecuteNonQueryAsync(ct) != batch.RowCount)
            throw new InvalidOperationException($"Payment batch {batch.Id} no longer holds its {batch.RowCount} rows.");
    }

    private static async Task<List<PaymentBatchLine>> ReadLinesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, long batchId, long? after, int limit,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT l.id, l.kind, l.payee_kind, l.payee_id, l.accrual_date, l.amount_fen, l.reason, l.status, l.placement_id, l.loan_id, " +
            "COALESCE(e.display_name, d.display_name, ''), e.credit_code FROM subsidy_ledger l " +
            "LEFT JOIN enterprises e ON l.payee_kind = 1 AND e.id = l.payee_id LEFT JOIN lenders d ON l.payee_kind = 3 AND d.id = l.payee_id " +
            "WHERE l.batch_id = $1 AND ($2::bigint IS NULL OR l.id > $2) ORDER BY l.id LIMIT $3", conn, tx);
        cmd.Parameters.AddWithValue(batchId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(limit);
        var lines = new List<PaymentBatchLine>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var payeeKind = (PayeeKind)r.GetInt32(2);
            var payeeId = r.GetInt64(3);
            lines.Add(new PaymentBatchLine(r.GetInt64(0), (SubsidyKind)r.GetInt32(1), payeeKind, payeeId, r.GetString(10),
                PayeeAccount(payeeKind, payeeId, r.IsDBNull(11) ? null : r.GetString(11)),
                r.GetFieldValue<DateOnly>(4), r.GetInt64(5), r.GetString(6), (SubsidyRowStatus)r.GetInt32(7),
                r.IsDBNull(8) ? null : r.GetInt64(8), r.IsDBNull(9) ? null : r.GetInt64(9)));
        }
        return lines;
    }

    /// <summary>The export's account column (see <see cref="PaymentBatchLine"/>).</summary>
    private static string PayeeAccount(PayeeKind kind, long id, string? creditCode) => kind switch
    {
        PayeeKind.Enterprise => creditCode ?? $"enterprises/{id}",
        PayeeKind.Lender => $"lenders/{id}",
        _ => $"households/{id}",
    };
}
