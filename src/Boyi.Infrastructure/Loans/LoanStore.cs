using Boyi.Domain.Money;
using Boyi.Domain;
using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Domain.Loans;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;
using Boyi.Infrastructure.Subsidies;
using Npgsql;

namespace Boyi.Infrastructure.Loans;

/// <summary>A scheme with its subsidy shares in ascending year.</summary>
public sealed record LoanSchemeRecord(LoanSchemeRow Scheme, IReadOnlyList<LoanSchemeSubsidyShareRow> Shares);

/// <summary>A loan as read, with its borrower's full name (masked, where it must be, by the caller's mapping).</summary>
public sealed record LoanRecord(LoanRow Loan, string BorrowerName);

/// <summary>Which loans a list is about: a county, narrowed by town, cadre (their paired households), guarantor and the filters.</summary>
public sealed record LoanQuery(int CountyId, long? TownId = null, long? PairedCadreId = null, long? GuarantorId = null,
    long? SchemeId = null, long? HouseholdId = null, long? LenderId = null, IReadOnlyList<LoanState>? States = null);

/// <summary>What a lifecycle step changes besides the state: its business date, money and the loan's own fields.</summary>
public sealed record LoanStep(LoanState To, string Actor, string? Reason, DateOnly? Date = null);

/// <summary>
/// Loan schemes, lenders with their risk funds, and loans through their lifecycle. Every step locks the loan row
/// (then the household, then the lender: always in this order, so steps cannot deadlock), checks the etag and the
/// state, and writes a loan event in the same transaction. Risk-fund capacity is reserved and released under the
/// lender's row lock, so concurrent approvals cannot together exceed it. Each step's notifications
/// (<see cref="LoanNotices"/>) and a disbursement's dividend schedule (<see cref="DividendStore.AddSchedule"/>) are
/// written in the step's transaction too.
/// </summary>
public sealed class LoanStore(Database database, TimeProvider clock, Background.NotificationWriter notifications)
{
    public const long IdFactor = 1_000_000;

    // ---- schemes ----

    public async Task<LoanSchemeRecord> CreateSchemeAsync(BoyiDbContext db, LoanSchemeRow scheme, IReadOnlyList<SubsidyShare> shares, CancellationToken ct)
    {
        if (!await db.Counties.AnyAsync(c => c.Id == scheme.CountyId, ct))
            throw DomainException.NotFound("county", $"counties/{scheme.CountyId}");
        scheme.Id = await NextIdAsync(db, scheme.CountyId, "loan_scheme", ct);
        scheme.Version = 1;
        scheme.CreateTime = scheme.UpdateTime = clock.UtcNow();
        db.LoanSchemes.Add(scheme);
        var rows = shares.Select(s => new LoanSchemeSubsidyShareRow { SchemeId = scheme.Id, FromYear = s.FromYear, SharePpm = s.SharePpm }).ToList();
        db.LoanSchemeSubsidyShares.AddRange(rows);
        await RegistryStore.SaveAsync(db, ct, "SCHEME_NAME_TAKEN", "scheme.display_name", "a scheme of the county has this name");
        return new(scheme, rows);
    }

    public async Task<LoanSchemeRecord> GetSchemeAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var scheme = await db.LoanSchemes.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw SchemeNotFound(id);
        return new(scheme, await SharesAsync(db, [id], ct) is var all && all.TryGetValue(id, out var s) ? s : []);
    }

    public async Task<List<LoanSchemeRecord>> ListSchemesAsync(int countyId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var rows = await db.LoanSchemes.AsNoTracking().Where(s => s.CountyId == countyId && (after == null || s.Id > after))
            .OrderBy(s => s.Id).Take(take).ToListAsync(ct);
        var shares = await SharesAsync(db, rows.Select(r => r.Id).ToArray(), ct);
        return rows.Select(r => new LoanSchemeRecord(r, shares.TryGetValue(r.Id, out var s) ? s : [])).ToList();
    }

    /// <summary>Changes a scheme under its row lock: <paramref name="change"/> sets the fields, <paramref name="check"/> validates the result.</summary>
    public async Task<LoanSchemeRecord> UpdateSchemeAsync(BoyiDbContext db, long id, int? expectedVersion, Action<LoanSchemeRow> change,
        IReadOnlyList<SubsidyShare>? newShares, Action<LoanSchemeRow, IReadOnlyList<SubsidyShare>> check, CancellationToken ct)
    {
        var scheme = await db.LoanSchemes.FromSql($"SELECT * FROM loan_schemes WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw SchemeNotFound(id);
        RegistryStore.CheckVersion(expectedVersion, scheme.Version, $"loanSchemes/{id}");
        change(scheme);
        var shares = newShares ?? (await db.LoanSchemeSubsidyShares.AsNoTracking().Where(s => s.SchemeId == id).OrderBy(s => s.FromYear).ToListAsync(ct))
            .Select(s => new SubsidyShare(s.FromYear, s.SharePpm)).ToList();
        check(scheme, shares);
        scheme.Version++;
        scheme.UpdateTime = clock.UtcNow();
        if (newShares is not null)
        {
            await db.LoanSchemeSubsidyShares.Where(s => s.SchemeId == id).ExecuteDeleteAsync(ct);
            db.LoanSchemeSubsidyShares.AddRange(newShares.Select(s => new LoanSchemeSubsidyShareRow { SchemeId = id, FromYear = s.FromYear, SharePpm = s.SharePpm }));
        }
        await RegistryStore.SaveAsync(db, ct, "SCHEME_NAME_TAKEN", "scheme.display_name", "a scheme of the county has this name");
        return new(scheme, shares.Select(s => new LoanSchemeSubsidyShareRow { SchemeId = id, FromYear = s.FromYear, SharePpm = s.SharePpm }).ToList());
    }

    private static async Task<Dictionary<long, List<LoanSchemeSubsidyShareRow>>> SharesAsync(BoyiDbContext db, long[] ids, CancellationToken ct) =>
        (await db.LoanSchemeSubsidyShares.AsNoTracking().Where(s => ids.Contains(s.SchemeId)).OrderBy(s => s.FromYear).ToListAsync(ct))
            .GroupBy(s => s.SchemeId).ToDictionary(g => g.Key, g => g.ToList());

    // ---- lenders and risk funds ----

    public async Task<LenderRow> CreateLenderAsync(BoyiDbContext db, LenderRow lender, CancellationToken ct)
    {
        if (!await db.Counties.AnyAsync(c => c.Id == lender.CountyId, ct))
            throw DomainException.NotFound("county", $"counties/{lender.CountyId}");
        lender.Id = await NextIdAsync(db, lender.CountyId, "lender", ct);
        lender.Version = 1;
        lender.CreateTime = clock.UtcNow();
        db.Lenders.Add(lender);
        await RegistryStore.SaveAsync(db, ct, "LENDER_NAME_TAKEN", "lender.display_name", "a lender of the county has this name");
        return lender;
    }

    public async Task<LenderRow> GetLenderAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Lenders.AsNoTracking().FirstOrDefaultAsync(l => l.Id == id, ct) ?? throw LenderNotFound(id);
    }

    public async Task<List<LenderRow>> ListLendersAsync(int countyId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Lenders.AsNoTracking().Where(l => l.CountyId == countyId && (after == null || l.Id > after))
            .OrderBy(l => l.Id).Take(take).ToListAsync(ct);
    }

    public async Task<LenderRow> DepositAsync(BoyiDbContext db, long lenderId, long amountFen, DateOnly date, string? reason, string actor, CancellationToken ct)
    {
        var lender = await LockLenderAsync(db, lenderId, ct);
        lender.DepositsFen = checked(lender.DepositsFen + amountFen);
        lender.Version++;
        db.RiskFundEntries.Add(new RiskFundEntryRow
        {
            LenderId = lenderId, CountyId = lender.CountyId, Kind = RiskFundEntryKind.Deposit, AmountFen = amountFen, Date = date,
            Reason = reason, Actor = actor, CreateTime = clock.UtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return lender;
    }

    public async Task<List<RiskFundEntryRow>> ListEntriesAsync(long lenderId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.RiskFundEntries.AsNoTracking().Where(e => e.LenderId == lenderId && (after == null || e.Id > after))
            .OrderBy(e => e.Id).Take(take).ToListAsync(ct);
    }

    private static async Task<LenderRow> LockLenderAsync(BoyiDbContext db, long id, CancellationToken ct) =>
        await db.Lenders.FromSql($"SELECT * FROM lenders WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw LenderNotFound(id);

    // ---- loans ----

    /// <summary>
    /// Applies for a loan: the household, borrower, scheme, lender and guarantor must be of one county, the guarantor
    /// an approved enterprise exactly when the scheme requires one, and the loan eligible today (checked again at approval).
    /// </summary>
    public async Task<LoanRecord> ApplyAsync(BoyiDbContext db, LoanRow loan, CancellationToken ct)
    {
        var countyId = Ids.CountyOfHousehold(loan.HouseholdId);
        var v = new Violations();
        var household = await db.Households.AsNoTracking().FirstOrDefaultAsync(h => h.Id == loan.HouseholdId, ct);
        var member = await db.HouseholdMembers.AsNoTracking().FirstOrDefaultAsync(m => m.HouseholdId == loan.HouseholdId && m.MemberId == loan.MemberId, ct);
        if (member is null)
            v.Add("loan.borrower", "NOT_FOUND", "is not a member of the household");
        var scheme = await db.LoanSchemes.AsNoTracking().FirstOrDefaultAsync(s => s.Id == loan.SchemeId && s.CountyId == countyId, ct);
        if (scheme is null)
            v.Add("loan.scheme", "NOT_FOUND", "is not a loan scheme of the household's county");
        if (!await db.Lenders.AnyAsync(l => l.Id == loan.LenderId && l.CountyId == countyId, ct))
            v.Add("loan.lender", "NOT_FOUND", "is not a lender of the household's county");
        if (scheme is not null && scheme.GuaranteeRequired && loan.GuarantorId is null)
            v.Add("loan.guarantor", "REQUIRED", "the scheme requires a guarantor enterprise");
        if (scheme is not null && !scheme.GuaranteeRequired && loan.GuarantorId is not null)
            v.Add("loan.guarantor", "NOT_ALLOWED", "the scheme takes no guarantor");
        EnterpriseRow? guarantor = null;
        if (loan.GuarantorId is { } g && scheme is { GuaranteeRequired: true })
        {
            guarantor = await db.Enterprises.AsNoTracking().FirstOrDefaultAsync(e => e.Id == g && e.CountyId == countyId, ct);
            if (guarantor is null)
                v.Add("loan.guarantor", "NOT_FOUND", "is not an enterprise of the household's county");
        }
        v.ThrowIfAny();
        if (household is null)
            throw DomainException.NotFound("household", $"households/{loan.HouseholdId}");
        if (guarantor is { Status: not EnterpriseStatus.Approved })
            throw new DomainException(ErrorKind.FailedPrecondition, "ENTERPRISE_NOT_APPROVED", "Only an approved enterprise guarantees loans.",
                [new FieldViolation("loan.guarantor", "ENTERPRISE_NOT_APPROVED", "must be an approved enterprise")]);

        var today = ChinaTime.Today(clock);
        LoanEligibility.ThrowIfAny(LoanEligibility.Check(await ApplicantAsync(db, household, member!, scheme!.Id, exceptLoan: null, ct),
            new SchemeLimits(scheme.MaxPrincipalFen, scheme.MaxTermMonths), loan.PrincipalFen, loan.TermMonths, today));

        var now = clock.UtcNow();
        loan.Id = await NextIdAsync(db, countyId, "loan", ct);
        loan.CountyId = countyId;
        loan.TownId = household.TownId;
        loan.State = LoanState.Applied;
        loan.AnnualRatePpm = scheme.AnnualRatePpm;
        loan.Entrusted = scheme.Entrusted;
        loan.Version = 1;
        loan.CreateTime = loan.UpdateTime = now;
        db.Loans.Add(loan);
        db.LoanEvents.Add(new LoanEventRow
        {
            LoanId = loan.Id, CountyId = countyId, ToState = LoanState.Applied, Date = today, AmountFen = loan.PrincipalFen,
            Reason = loan.Purpose, Actor = loan.AppliedBy, EventTime = now,
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_loans_live_household_scheme" })
        {
            // Another application for the household and scheme committed first.
            throw LiveLoanInScheme();
        }
        return new(loan, member!.FullName);
    }

    public async Task<LoanRecord> GetLoanAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var found = await (from l in db.Loans.AsNoTracking()
                           join m in db.HouseholdMembers on new { l.HouseholdId, l.MemberId } equals new { m.HouseholdId, m.MemberId }
                           where l.Id == id
                           select new { l, m.FullName }).FirstOrDefaultAsync(ct) ?? throw LoanNotFound(id);
        return new(found.l, found.FullName);
    }

    /// <summary>Whether the cadre is paired with the household now.</summary>
    public async Task<bool> IsPairedAsync(long cadreId, long householdId, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Pairings.AnyAsync(p => p.CadreId == cadreId && p.HouseholdId == householdId && p.EndDate == null, ct);
    }

    public async Task<List<LoanRecord>> ListLoansAsync(LoanQuery q, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var from = q.CountyId * IdFactor;
        var rows = db.Loans.AsNoTracking().Where(l => l.Id >= from && l.Id < from + IdFactor);
        if (q.TownId is { } town)
            rows = rows.Where(l => l.TownId == town);
        if (q.PairedCadreId is { } cadre)
            rows = rows.Where(l => db.Pairings.Any(p => p.CadreId == cadre && p.HouseholdId == l.HouseholdId && p.EndDate == null));
        if (q.GuarantorId is { } guarantor)
            rows = rows.Where(l => l.GuarantorId == guarantor);
        if (q.SchemeId is { } scheme)
            rows = rows.Where(l => l.SchemeId == scheme);
        if (q.HouseholdId is { } household)
            rows = rows.Where(l => l.HouseholdId == household);
        if (q.LenderId is { } lender)
            rows = rows.Where(l => l.LenderId == lender);
        if (q.States is { Count: > 0 } states)
            rows = rows.Where(l => states.Contains(l.State));
        if (after is not null)
            rows = rows.Where(l => l.Id > after);
        var page = await (from l in rows
                          join m in db.HouseholdMembers on new { l.HouseholdId, l.MemberId } equals new { m.HouseholdId, m.MemberId }
                          orderby l.Id
                          select new { l, m.FullName }).Take(take).ToListAsync(ct);
        return page.Select(x => new LoanRecord(x.l, x.FullName)).ToList();
    }

    public async Task<List<LoanEventRow>> ListEventsAsync(long loanId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.LoanEvents.AsNoTracking().Where(e => e.LoanId == loanId && (after == null || e.Id > after))
            .OrderBy(e => e.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>
    /// Approves an applied loan: under the household's lock the eligibility rules are checked again (the household
    /// may have changed since the application), then under the lender's lock the principal is reserved from the free
    /// capacity of its risk fund, or the approval is refused with RISK_FUND_CAPACITY_EXHAUSTED.
    /// </summary>
    public Task<LoanRecord> ApproveAsync(BoyiDbContext db, long id, int? version, string actor, string? reason, CancellationToken ct) =>
        StepAsync(db, id, version, new LoanStep(LoanState.Approved, actor, reason), async loan =>
        {
            var household = await db.Households.FromSql($"SELECT * FROM households WHERE id = {loan.HouseholdId} FOR UPDATE").AsNoTracking().SingleAsync(ct);
            var member = await db.HouseholdMembers.AsNoTracking().SingleAsync(m => m.HouseholdId == loan.HouseholdId && m.MemberId == loan.MemberId, ct);
            var scheme = await db.LoanSchemes.AsNoTracking().SingleAsync(s => s.Id == loan.SchemeId, ct);
            LoanEligibility.ThrowIfAny(LoanEligibility.Check(await ApplicantAsync(db, household, member, scheme.Id, exceptLoan: loan.Id, ct),
                new SchemeLimits(scheme.MaxPrincipalFen, scheme.MaxTermMonths), loan.PrincipalFen, loan.TermMonths, ChinaTime.Today(clock)));
            if (loan.GuarantorId is { } g && !await db.Enterprises.AnyAsync(e => e.Id == g && e.Status == EnterpriseStatus.Approved, ct))
                throw DomainException.Precondition("ENTERPRISE_NOT_APPROVED", "The guarantor is no longer an approved enterprise.");
            var lender = await LockLenderAsync(db, loan.LenderId, ct);
            var free = LoanRules.Capacity(lender.DepositsFen, lender.ClaimsFen, lender.Leverage) - lender.ReservedFen;
            if (loan.PrincipalFen > free)
            {
                throw DomainException.Precondition("RISK_FUND_CAPACITY_EXHAUSTED",
                    $"The lender's risk fund backs {Math.Max(free, 0)} fen more; the loan needs {loan.PrincipalFen}.",
                    new Dictionary<string, string> { ["free_fen"] = Math.Max(free, 0).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
            lender.ReservedFen += loan.PrincipalFen;
            lender.Version++;
            return loan.PrincipalFen;
        }, ct);

    public Task<LoanRecord> RejectAsync(BoyiDbContext db, long id, int? version, string actor, string reason, CancellationToken ct) =>
        StepAsync(db, id, version, new LoanStep(LoanState.Rejected, actor, reason), _ => Task.FromResult(0L), ct);

    /// <summary>Records the disbursement: the contract number is unique per lender; the term stays within the scheme.</summary>
    public Task<LoanRecord> DisburseAsync(BoyiDbContext db, long id, int? version, string actor, string contractNumber, DateOnly date, int termMonths,
        CancellationToken ct) =>
        StepAsync(db, id, version, new LoanStep(LoanState.Disbursed, actor, null, date), async loan =>
        {
            var scheme = await db.LoanSchemes.AsNoTracking().SingleAsync(s => s.Id == loan.SchemeId, ct);
            var term = termMonths == 0 ? loan.TermMonths : termMonths;
            if (term > scheme.MaxTermMonths)
            {
                throw new DomainException(ErrorKind.FailedPrecondition, "TERM_ABOVE_SCHEME_MAX", $"At most {scheme.MaxTermMonths} months in this scheme.",
                    [new FieldViolation("term_months", "TERM_ABOVE_SCHEME_MAX", $"at most {scheme.MaxTermMonths} months in this scheme")]);
            }
            if (await db.Loans.AnyAsync(l => l.LenderId == loan.LenderId && l.ContractNumber == contractNumber, ct))
                throw ContractTaken();
            loan.TermMonths = term;
            loan.ContractNumber = contractNumber;
            loan.DisbursementDate = date;
            loan.MaturityDate = LoanRules.Maturity(date, term);
            DividendStore.AddSchedule(db, loan, scheme, clock.UtcNow());
            return loan.PrincipalFen;
        }, ct);

    /// <summary>
    /// Records the principal repaid in full on a date, with the interest still owed (利随本清,
    /// <see cref="InterestDueStore.SettleOnRepaymentAsync"/>); the lender's capacity is freed. Periods already settled on or
    /// after the date are corrected in the same transaction (<see cref="SubsidyCorrectionStore.ReconcileLoanAsync"/>).
    /// </summary>
    public async Task<LoanRecord> RepayAsync(BoyiDbContext db, long id, int? version, string actor, DateOnly date, CancellationToken ct)
    {
        var record = await StepAsync(db, id, version, new LoanStep(LoanState.Repaid, actor, null, date), async loan =>
        {
            if (date < loan.DisbursementDate)
                throw DomainException.Invalid("repayment_date", "BEFORE_DISBURSEMENT", "must not be before the disbursement date");
            loan.RepaymentDate = date;
            await ReleaseAsync(db, loan, ct);
            await LoanWatch.ReleaseHeldAsync(db, loan, ct);
            await InterestDueStore.SettleOnRepaymentAsync(db, loan, date, clock.UtcNow(), ct);
            return loan.PrincipalFen;
        }, ct);
        await SubsidyCorrectionStore.ReconcileLoanAsync(db, new(id, date, SubsidyCorrectionStore.RepaidReason(date)), actor, clock.UtcNow(), ct);
        return record;
    }

    public Task<LoanRecord> MarkOverdueAsync(BoyiDbContext db, long id, int? version, string actor, DateOnly overdueDate, string reason, CancellationToken ct) =>
        StepAsync(db, id, version, new LoanStep(LoanState.Overdue, actor, reason, overdueDate), loan =>
        {
            if (overdueDate <= loan.DisbursementDate)
                throw DomainException.Invalid("overdue_date", "BEFORE_DISBURSEMENT", "must be after the disbursement date");
            loan.OverdueDate = overdueDate;
            return Task.FromResult(0L);
        }, ct);

    /// <summary>
    /// Declares an overdue loan defaulted, no earlier than the scheme's days after it became overdue. Periods already
    /// settled on or after the default date are corrected in the same transaction (no subsidy from that day).
    /// </summary>
    public async Task<LoanRecord> DefaultAsync(BoyiDbContext db, long id, int? version, string actor, string? reason, CancellationToken ct)
    {
        var record = await StepAsync(db, id, version, new LoanStep(LoanState.Defaulted, actor, reason), async loan =>
        {
            var scheme = await db.LoanSchemes.AsNoTracking().SingleAsync(s => s.Id == loan.SchemeId, ct);
            var defaultDate = LoanRules.DefaultDate(loan.OverdueDate!.Value, scheme.DefaultAfterOverdueDays);
            if (ChinaTime.Today(clock) < defaultDate)
            {
                throw DomainException.Precondition("NOT_OVERDUE_LONG_ENOUGH",
                    $"The loan defaults on {defaultDate:yyyy-MM-dd}, {scheme.DefaultAfterOverdueDays} days after it became overdue.",
                    new Dictionary<string, string> { ["default_date"] = defaultDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
            }
            loan.DefaultDate = defaultDate;
            return 0L;
        }, ct);
        var date = record.Loan.DefaultDate!.Value;
        await SubsidyCorrectionStore.ReconcileLoanAsync(db, new(id, date, SubsidyCorrectionStore.DefaultedReason(date)), actor, clock.UtcNow(), ct);
        return record;
    }

    /// <summary>
    /// Pays the lender's claim on a defaulted loan from the risk fund: the scheme's share of the outstanding principal
    /// (the whole principal: repayments are recorded in full), the rest recorded as the guarantor's liability. The
    /// loan's reservation is released; the fund's balance, and so its capacity, shrinks by the claim.
    /// </summary>
    public Task<LoanRecord> CompensateAsync(BoyiDbContext db, long id, int? version, string actor, DateOnly date, string? reason, CancellationToken ct) =>
        StepAsync(db, id, version, new LoanStep(LoanState.Compensated, actor, reason, date), async loan =>
        {
            if (date < loan.DefaultDate)
                throw DomainException.Invalid("claim_date", "BEFORE_DEFAULT", "must not be before the loan's default date");
            var scheme = await db.LoanSchemes.AsNoTracking().SingleAsync(s => s.Id == loan.SchemeId, ct);
            var (claim, rest) = RiskFund.Claim(loan.PrincipalFen, scheme.RiskFundSharePpm);
            var lender = await LockLenderAsync(db, loan.LenderId, ct);
            if (claim > lender.DepositsFen - lender.ClaimsFen)
            {
                throw DomainException.Precondition("RISK_FUND_INSUFFICIENT",
                    $"The claim of {claim} fen exceeds the fund's balance of {lender.DepositsFen - lender.ClaimsFen} fen.");
            }
            lender.ClaimsFen += claim;
            lender.ReservedFen -= loan.PrincipalFen;
            lender.Version++;
            if (claim > 0)
            {
                db.RiskFundEntries.Add(new RiskFundEntryRow
                {
                    LenderId = lender.Id, CountyId = lender.CountyId, Kind = RiskFundEntryKind.Claim, AmountFen = claim, Date = date,
                    LoanId = loan.Id, Reason = reason, Actor = actor, CreateTime = clock.UtcNow(),
                });
            }
            loan.ClaimFen = claim;
            loan.GuarantorLiabilityFen = rest;
            return claim;
        }, ct);

    /// <summary>
    /// One lifecycle step under the loan's row lock: the etag must match and the state allow the step; <paramref name="effect"/>
    /// does the step's own work (and may refuse it) and returns the money it moved, kept in the loan's event.
    /// </summary>
    private async Task<LoanRecord> StepAsync(BoyiDbContext db, long id, int? version, LoanStep step, Func<LoanRow, Task<long>> effect, CancellationToken ct)
    {
        var loan = await db.Loans.FromSql($"SELECT * FROM loans WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw LoanNotFound(id);
        RegistryStore.CheckVersion(version, loan.Version, $"loans/{id}");
        var from = loan.State;
        loan.State = LoanRules.Move(from, step.To);
        var amount = await effect(loan);
        var now = clock.UtcNow();
        loan.Version++;
        loan.UpdateTime = now;
        var date = step.To == LoanState.Defaulted ? loan.DefaultDate!.Value : step.Date ?? ChinaTime.DateOf(now);
        db.LoanEvents.Add(new LoanEventRow
        {
            LoanId = id, CountyId = loan.CountyId, FromState = from, ToState = step.To, Date = step.Date ?? ChinaTime.DateOf(now),
            AmountFen = amount, Reason = step.Reason, Actor = step.Actor, EventTime = now,
        });
        await LoanNotices.WriteAsync(notifications, db,
            LoanNotices.ForStep(new(loan.Id, loan.CountyId, loan.GuarantorId, loan.AppliedBy), step.To, date), now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_loans_lender_contract" })
        {
            throw ContractTaken();
        }
        var name = await db.HouseholdMembers.Where(m => m.HouseholdId == loan.HouseholdId && m.MemberId == loan.MemberId).Select(m => m.FullName).SingleAsync(ct);
        return new(loan, name);
    }

    private static async Task ReleaseAsync(BoyiDbContext db, LoanRow loan, CancellationToken ct)
    {
        var lender = await LockLenderAsync(db, loan.LenderId, ct);
        lender.ReservedFen -= loan.PrincipalFen;
        lender.Version++;
    }

    private static async Task<LoanApplicant> ApplicantAsync(BoyiDbContext db, HouseholdRow household, HouseholdMemberRow member, long schemeId,
        long? exceptLoan, CancellationToken ct)
    {
        var loans = await db.Loans.AsNoTracking().Where(l => l.HouseholdId == household.Id && l.Id != exceptLoan)
            .Select(l => new { l.SchemeId, l.State }).ToListAsync(ct);
        return new LoanApplicant(household.Status, household.DeleteTime is not null, member.BirthDate, member.LabourCapacity,
            LiveLoanInScheme: loans.Any(l => l.SchemeId == schemeId && LoanRules.IsLive(l.State)),
            HouseholdHasDefaultedLoan: loans.Any(l => l.State is LoanState.Defaulted or LoanState.Compensated));
    }

    private static async Task<long> NextIdAsync(BoyiDbContext db, int countyId, string kind, CancellationToken ct)
    {
        var seq = await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, kind, 1, ct);
        if (seq >= IdFactor)
            throw DomainException.Precondition("COUNTY_FULL", $"The county has used all its {kind} numbers.");
        return countyId * IdFactor + seq;
    }

    private static DomainException LiveLoanInScheme() =>
        new(ErrorKind.FailedPrecondition, "LIVE_LOAN_IN_SCHEME", "The household already has a live loan of this scheme.",
            [new FieldViolation("loan.scheme", "LIVE_LOAN_IN_SCHEME", "the household already has a live loan of this scheme")]);

    private static DomainException ContractTaken() =>
        DomainException.Conflict("CONTRACT_NUMBER_TAKEN", "The lender has another loan with this contract number.",
            [new FieldViolation("contract_number", "CONTRACT_NUMBER_TAKEN", "the lender has another loan with this contract number")]);

    private static DomainException SchemeNotFound(long id) => DomainException.NotFound("loan scheme", $"loanSchemes/{id}");
    private static DomainException LenderNotFound(long id) => DomainException.NotFound("lender", $"lenders/{id}");
    private static DomainException LoanNotFound(long id) => DomainException.NotFound("loan", $"loans/{id}");
}
