using Boyi.Domain.Money;
using Boyi.Domain.Enterprises;
using Boyi.Domain.Loans;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The demo county's loans: the two schemes of the article (poverty micro-credit, 50,000 yuan for up to 3 years with the
/// interest fully subsidised; the dairy-buffalo company's guaranteed and entrusted loans, 100,000 yuan for 3 years, 8%
/// dividend with 30 days' grace, subsidy 100% and 70% from last year on), the rural credit cooperative with its risk
/// fund, the guarantor company, and about 3,000 loans (at scale 1) in every state, each with the events of its steps.
/// Every loan is eligible as the rules say (a household needing help, a borrower 18–65 able to work, one loan per
/// household), and the fund's deposits back the reserved principal with some capacity left. Dates follow the clock.
/// </summary>
internal sealed class DemoLoans
{
    /// <summary>Loans by state, per thousand.</summary>
    private static readonly (LoanState State, int PerMille)[] Mix =
    [
        (LoanState.Applied, 100), (LoanState.Approved, 80), (LoanState.Rejected, 60), (LoanState.Disbursed, 400),
        (LoanState.Repaid, 200), (LoanState.Overdue, 60), (LoanState.Defaulted, 50), (LoanState.Compensated, 50),
    ];

    private const string Actor = "client:demo-seed";
    private static readonly TimeSpan TenInTheMorningChina = TimeSpan.FromHours(2);

    public required EnterpriseRow Guarantor { get; init; }
    public required List<LoanSchemeRow> Schemes { get; init; }
    public required List<LoanSchemeSubsidyShareRow> Shares { get; init; }
    public required LenderRow Lender { get; init; }
    public required List<RiskFundEntryRow> FundEntries { get; init; }
    public required List<LoanRow> Loans { get; init; }
    public required List<LoanEventRow> Events { get; init; }
    public DateOnly Today { get; init; }
    public DateTime Now { get; init; }

    public static DemoLoans Generate(DemoCounty county, ulong seed, double scale, DateOnly today, DateTime now)
    {
        var countyId = county.County.Id;
        var rng = DemoRandom.For(seed, countyId, "loans");
        var guarantor = new EnterpriseRow
        {
            Id = countyId * 1_000_000L + 1, CountyId = countyId, CreditCode = CreditCodeOf(countyId, 1), DisplayName = "博白县富康水牛奶业有限公司",
            LegalRepresentative = "梁国富", ContactName = "梁秀英", ContactPhone = "13977501234", TownId = county.Towns[0].Id,
            Industry = Industry.Agriculture, ChamberMember = true, Status = EnterpriseStatus.Approved, Version = 2,
            // Registered before the oldest loans it guarantees (four years back), so it takes part in last year's commendations too.
            CreateTime = TimeOf(today.AddYears(-5)), UpdateTime = TimeOf(today.AddYears(-5)),
        };
        var micro = new LoanSchemeRow
        {
            Id = countyId * 1_000_000L + 1, CountyId = countyId, DisplayName = "扶贫小额信贷", Kind = LoanSchemeKind.PovertyMicroCredit,
            MaxPrincipalFen = 5_000_000, MaxTermMonths = 36, AnnualRatePpm = 47_500, SubsidyYears = 3, RepaymentGraceDays = 7,
            DefaultAfterOverdueDays = 90, RiskFundSharePpm = 700_000, Version = 1, CreateTime = now, UpdateTime = now,
        };
        var dairy = new LoanSchemeRow
        {
            Id = countyId * 1_000_000L + 2, CountyId = countyId, DisplayName = "水牛养殖贷资入企", Kind = LoanSchemeKind.EnterpriseGuaranteed,
            MaxPrincipalFen = 10_000_000, MaxTermMonths = 36, AnnualRatePpm = 47_500, GuaranteeRequired = true, SubsidyYears = 3,
            Entrusted = true, DividendRatePpm = 80_000, DividendGraceDays = 30, RepaymentGraceDays = 30, DefaultAfterOverdueDays = 90,
            RiskFundSharePpm = 700_000, Version = 1, CreateTime = now, UpdateTime = now,
        };
        var shares = new List<LoanSchemeSubsidyShareRow>
        {
            new() { SchemeId = micro.Id, FromYear = 2014, SharePpm = 1_000_000 },
            new() { SchemeId = dairy.Id, FromYear = 2016, SharePpm = 1_000_000 },
            new() { SchemeId = dairy.Id, FromYear = today.Year - 1, SharePpm = 700_000 },
        };
        var lender = new LenderRow
        {
            Id = countyId * 1_000_000L + 1, CountyId = countyId, DisplayName = "博白县农村信用合作联社", Kind = LenderKind.RuralCreditCooperative,
            Leverage = 10, Version = 1, CreateTime = now,
        };

        // Households needing help with a borrower 18–65 able to work, in a shuffled order: one loan each.
        var candidates = new List<(HouseholdRecord Household, HouseholdMemberRow Borrower)>();
        foreach (var h in county.Households)
        {
            if (h.Household.Status is not (HouseholdStatus.Poor or HouseholdStatus.AtRiskOfRelapse))
                continue;
            var borrower = h.Members.FirstOrDefault(m => m.LabourCapacity is LabourCapacity.Normal or LabourCapacity.Skilled
                && Boyi.Domain.Validation.IdCardNumber.CompletedYears(m.BirthDate, today) is >= LoanRules.MinBorrowerAge and <= LoanRules.MaxBorrowerAge - 1);
            if (borrower is not null)
                candidates.Add((h, borrower));
        }
        rng.Shuffle(candidates);
        var total = Math.Min(candidates.Count, Math.Max(80, (int)Math.Round(3_000 * scale)));

        var loans = new List<LoanRow>(total);
        var events = new List<LoanEventRow>(total * 4);
        var entries = new List<RiskFundEntryRow>();
        var next = 0;
        foreach (var (state, perMille) in Mix)
        {
            var count = Math.Max(8, total * perMille / 1000);
            for (var i = 0; i < count && next < candidates.Count; i++, next++)
            {
                var (household, borrower) = candidates[next];
                // Every other loan of each state is a dairy loan, so both schemes (and the guarantor's view) have every state.
                var isDairy = i % 2 == 1;
                var scheme = isDairy ? dairy : micro;
                var loan = new LoanRow
                {
                    Id = countyId * 1_000_000L + next + 1, CountyId = countyId, TownId = household.Household.TownId, HouseholdId = household.Household.Id,
                    MemberId = borrower.MemberId, SchemeId = scheme.Id, LenderId = lender.Id, GuarantorId = isDairy ? guarantor.Id : null,
                    PrincipalFen = isDairy ? 10_000_000 : rng.Between(2, 10) * 500_000L, TermMonths = isDairy ? 36 : rng.Pick(new[] { 12, 24, 36 }),
                    Purpose = isDairy ? "贷资入企（水牛养殖）" : rng.Pick(new[] { "种植砂糖橘", "养殖生猪", "种植百香果", "养殖三黄鸡" }),
                    State = state, AnnualRatePpm = scheme.AnnualRatePpm, Entrusted = scheme.Entrusted, AppliedBy = Actor,
                };
                var before = events.Count;
                Steps(rng, loan, scheme, today, events, entries, lender);
                loan.Version = events.Count - before;
                loans.Add(loan);
            }
        }

        // Deposits back the reserved principal with about a tenth of the capacity free, paid in over two years.
        lender.ReservedFen = loans.Where(l => LoanRules.HoldsCapacity(l.State)).Sum(l => l.PrincipalFen);
        lender.ClaimsFen = entries.Sum(e => e.AmountFen);
        var deposits = lender.ClaimsFen + (lender.ReservedFen * 11 / 10 / lender.Leverage + 1_000_000) / 1_000_000 * 1_000_000;
        var first = deposits * 6 / 10 / 1_000_000 * 1_000_000;
        foreach (var (amount, date) in new[] { (first, today.AddYears(-3)), (deposits - first, today.AddYears(-1)) })
        {
            entries.Add(new RiskFundEntryRow
            {
                LenderId = lender.Id, CountyId = countyId, Kind = RiskFundEntryKind.Deposit, AmountFen = amount, Date = date,
                Reason = "县财政注入风险补偿金", Actor = Actor, CreateTime = TimeOf(date),
            });
        }
        lender.DepositsFen = deposits;
        return new DemoLoans
        {
            Guarantor = guarantor, Schemes = [micro, dairy], Shares = shares, Lender = lender, FundEntries = entries.OrderBy(e => e.CreateTime).ToList(),
            Loans = loans, Events = events, Today = today, Now = now,
        };
    }

    /// <summary>The loan's dates and events from its application to its state, and a claim entry when compensated.</summary>
    private static void Steps(DemoRandom rng, LoanRow loan, LoanSchemeRow scheme, DateOnly today, List<LoanEventRow> events,
        List<RiskFundEntryRow> entries, LenderRow lender)
    {
        void Event(LoanState? from, LoanState to, DateOnly date, long amount, string? reason) =>
            events.Add(new LoanEventRow
            {
                LoanId = loan.Id, CountyId = loan.CountyId, FromState = from, ToState = to, Date = date, AmountFen = amount, Reason = reason,
                Actor = Actor, EventTime = TimeOf(date),
            });

        var days = loan.TermMonths * 30;
        DateOnly? disbursed = loan.State switch
        {
            LoanState.Disbursed => today.AddDays(-rng.Between(30, days - 10)),
            LoanState.Repaid => today.AddDays(-rng.Between(60, 4 * 365)),
            LoanState.Overdue => today.AddDays(-rng.Between(Math.Min(200, days - 10), days - 10)),
            LoanState.Defaulted or LoanState.Compensated => today.AddDays(-rng.Between(400, 1000)),
            _ => null,
        };
        var applied = disbursed?.AddDays(-rng.Between(10, 40)) ?? today.AddDays(-rng.Between(1, loan.State == LoanState.Rejected ? 300 : 20));
        Event(null, LoanState.Applied, applied, loan.PrincipalFen, loan.Purpose);
        var last = applied;
        if (loan.State == LoanState.Rejected)
        {
            last = Min(applied.AddDays(rng.Between(1, 10)), today);
            Event(LoanState.Applied, LoanState.Rejected, last, 0, "家庭已有其他产业扶持资金");
        }
        else if (loan.State != LoanState.Applied)
        {
            last = disbursed?.AddDays(-rng.Between(1, 9)) ?? Min(applied.AddDays(rng.Between(1, 5)), today);
            Event(LoanState.Applied, LoanState.Approved, last, loan.PrincipalFen, null);
        }
        if (disbursed is { } d)
        {
            loan.DisbursementDate = d;
            loan.MaturityDate = LoanRules.Maturity(d, loan.TermMonths);
            loan.ContractNumber = $"BBNX-{d.Year}-{loan.Id % 1_000_000:D6}";
            Event(LoanState.Approved, LoanState.Disbursed, d, loan.PrincipalFen, null);
            last = d;
        }
        switch (loan.State)
        {
            case LoanState.Repaid:
                last = Min(Max(loan.MaturityDate!.Value.AddDays(-rng.Between(0, 60)), disbursed!.Value.AddDays(30)), today);
                loan.RepaymentDate = last;
                Event(LoanState.Disbursed, LoanState.Repaid, last, loan.PrincipalFen, null);
                break;
            case LoanState.Overdue:
                loan.OverdueDate = last = today.AddDays(-rng.Between(1, scheme.DefaultAfterOverdueDays - 10));
                Event(LoanState.Disbursed, LoanState.Overdue, last, 0, "逾期未付利息");
                break;
            case LoanState.Defaulted or LoanState.Compensated:
                loan.OverdueDate = today.AddDays(-rng.Between(100, 300));
                Event(LoanState.Disbursed, LoanState.Overdue, loan.OverdueDate.Value, 0, "逾期未还本息");
                loan.DefaultDate = last = LoanRules.DefaultDate(loan.OverdueDate.Value, scheme.DefaultAfterOverdueDays);
                Event(LoanState.Overdue, LoanState.Defaulted, last, 0, "逾期满90天");
                if (loan.State == LoanState.Compensated)
                {
                    last = Min(last.AddDays(rng.Between(3, 9)), today);
                    (loan.ClaimFen, loan.GuarantorLiabilityFen) = RiskFund.Claim(loan.PrincipalFen, scheme.RiskFundSharePpm);
                    Event(LoanState.Defaulted, LoanState.Compensated, last, loan.ClaimFen, "风险补偿金代偿");
                    entries.Add(new RiskFundEntryRow
                    {
                        LenderId = lender.Id, CountyId = loan.CountyId, Kind = RiskFundEntryKind.Claim, AmountFen = loan.ClaimFen, Date = last,
                        LoanId = loan.Id, Reason = "风险补偿金代偿", Actor = Actor, CreateTime = TimeOf(last),
                    });
                }
                break;
        }
        loan.CreateTime = TimeOf(applied);
        loan.UpdateTime = TimeOf(last);
    }

    public static async Task WriteAsync(NpgsqlConnection conn, DemoLoans d, CancellationToken ct)
    {
        var g = d.Guarantor;
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO enterprises (id, county_id, credit_code, display_name, legal_representative, contact_name, contact_phone_cipher, " +
            "contact_phone_hash, town_id, industry, chamber_member, status, version, create_time, update_time) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)", conn))
        {
            cmd.Parameters.AddWithValue(g.Id);
            cmd.Parameters.AddWithValue(g.CountyId);
            cmd.Parameters.AddWithValue(g.CreditCode);
            cmd.Parameters.AddWithValue(g.DisplayName);
            cmd.Parameters.AddWithValue(g.LegalRepresentative);
            cmd.Parameters.AddWithValue(g.ContactName);
            cmd.Parameters.AddWithValue(g.ContactPhoneCipher);
            cmd.Parameters.AddWithValue(g.ContactPhoneHash);
            cmd.Parameters.AddWithValue(g.TownId);
            cmd.Parameters.AddWithValue((int)g.Industry);
            cmd.Parameters.AddWithValue(g.ChamberMember);
            cmd.Parameters.AddWithValue((int)g.Status);
            cmd.Parameters.AddWithValue(g.Version);
            cmd.Parameters.AddWithValue(g.CreateTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO enterprise_status_changes (enterprise_id, to_status, actor, change_time) VALUES ($1, $2, $4, $5), ($1, $3, $4, $5)", conn))
        {
            cmd.Parameters.AddWithValue(g.Id);
            cmd.Parameters.AddWithValue((int)EnterpriseStatus.Pending);
            cmd.Parameters.AddWithValue((int)g.Status);
            cmd.Parameters.AddWithValue(Actor);
            cmd.Parameters.AddWithValue(g.CreateTime);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        foreach (var s in d.Schemes)
        {
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO loan_schemes (id, county_id, display_name, kind, max_principal_fen, max_term_months, annual_rate_ppm, guarantee_required, " +
                "subsidy_years, entrusted, dividend_rate_ppm, dividend_grace_days, repayment_grace_days, default_after_overdue_days, risk_fund_share_ppm, " +
                "version, create_time, update_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)", conn);
            foreach (var value in new object[]
                     {
                         s.Id, s.CountyId, s.DisplayName, (int)s.Kind, s.MaxPrincipalFen, s.MaxTermMonths, s.AnnualRatePpm, s.GuaranteeRequired,
                         s.SubsidyYears, s.Entrusted, s.DividendRatePpm, s.DividendGraceDays, s.RepaymentGraceDays, s.DefaultAfterOverdueDays,
                         s.RiskFundSharePpm, s.Version, s.CreateTime,
                     })
                cmd.Parameters.AddWithValue(value);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO loan_scheme_subsidy_shares (scheme_id, from_year, share_ppm) SELECT * FROM unnest($1::bigint[], $2::int[], $3::int[])", conn))
        {
            cmd.Parameters.AddWithValue(d.Shares.Select(s => s.SchemeId).ToArray());
            cmd.Parameters.AddWithValue(d.Shares.Select(s => s.FromYear).ToArray());
            cmd.Parameters.AddWithValue(d.Shares.Select(s => s.SharePpm).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO lenders (id, county_id, display_name, kind, leverage, deposits_fen, claims_fen, reserved_fen, version, create_time) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)", conn))
        {
            var l = d.Lender;
            foreach (var value in new object[] { l.Id, l.CountyId, l.DisplayName, (int)l.Kind, l.Leverage, l.DepositsFen, l.ClaimsFen, l.ReservedFen, l.Version, l.CreateTime })
                cmd.Parameters.AddWithValue(value);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        CopyLoans(conn, d.Loans, ct);
        await WriteDividendsAsync(conn, d, ct);
        using (var w = conn.BeginBinaryImport(
                   "COPY loan_events (loan_id, county_id, from_state, to_state, date, amount_fen, reason, actor, event_time) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var e in d.Events)
            {
                w.StartRow();
                w.Write(e.LoanId, NpgsqlDbType.Bigint);
                w.Write(e.CountyId, NpgsqlDbType.Integer);
                if (e.FromState is { } from) w.Write((int)from, NpgsqlDbType.Integer); else w.WriteNull();
                w.Write((int)e.ToState, NpgsqlDbType.Integer);
                w.Write(e.Date, NpgsqlDbType.Date);
                w.Write(e.AmountFen, NpgsqlDbType.Bigint);
                WriteText(w, e.Reason);
                w.Write(e.Actor, NpgsqlDbType.Varchar);
                w.Write(e.EventTime, NpgsqlDbType.TimestampTz);
            }
            w.Complete();
        }
        using (var w = conn.BeginBinaryImport(
                   "COPY risk_fund_entries (lender_id, county_id, kind, amount_fen, date, loan_id, reason, actor, create_time) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var e in d.FundEntries)
            {
                w.StartRow();
                w.Write(e.LenderId, NpgsqlDbType.Bigint);
                w.Write(e.CountyId, NpgsqlDbType.Integer);
                w.Write((int)e.Kind, NpgsqlDbType.Integer);
                w.Write(e.AmountFen, NpgsqlDbType.Bigint);
                w.Write(e.Date, NpgsqlDbType.Date);
                if (e.LoanId is { } loan) w.Write(loan, NpgsqlDbType.Bigint); else w.WriteNull();
                WriteText(w, e.Reason);
                w.Write(e.Actor, NpgsqlDbType.Varchar);
                w.Write(e.CreateTime, NpgsqlDbType.TimestampTz);
            }
            w.Complete();
        }
    }

    /// <summary>
    /// The dividends of the entrusted loans (as a disbursement writes them, up to a repayment), and their payments: a
    /// current or repaid loan's dividends past their grace were paid 10 days after the due date; an overdue, defaulted
    /// or compensated loan's are not, so they show as overdue.
    /// </summary>
    private static async Task WriteDividendsAsync(NpgsqlConnection conn, DemoLoans d, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "WITH due AS (SELECT l.id, l.county_id, l.household_id, l.state, l.principal_fen, s.dividend_rate_ppm, s.dividend_grace_days, n, " +
            "  (l.disbursement_date + make_interval(years => n))::date AS due_date " +
            "  FROM loans l JOIN loan_schemes s ON s.id = l.scheme_id CROSS JOIN generate_series(1, 30) n " +
            "  WHERE l.county_id = $1 AND l.entrusted AND s.dividend_rate_ppm > 0 AND l.disbursement_date IS NOT NULL " +
            "  AND (l.disbursement_date + make_interval(years => n))::date <= COALESCE(l.repayment_date, l.maturity_date)), " +
            "rows AS (INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, loan_id, accrual_date, amount_fen, reason, status, create_time) " +
            "  SELECT county_id, 3, 2, household_id, id, due_date, round(principal_fen * dividend_rate_ppm / 1000000.0)::bigint, " +
            "  'Dividend of year ' || n || ': ' || dividend_rate_ppm || ' ppm of ' || principal_fen || ' fen, due ' || to_char(due_date, 'YYYY-MM-DD'), " +
            "  CASE WHEN state IN (4, 5) AND due_date + dividend_grace_days < $2 THEN 3 ELSE 1 END, $3 FROM due RETURNING id, county_id, loan_id, accrual_date, amount_fen, status) " +
            "INSERT INTO dividend_payments (ledger_id, county_id, loan_id, paid_date, amount_fen, reference, recorded_by, create_time) " +
            "SELECT id, county_id, loan_id, accrual_date + 10, amount_fen, 'FK-' || id, $4, $3 FROM rows WHERE status = 3", conn);
        cmd.Parameters.AddWithValue(d.Guarantor.CountyId);
        cmd.Parameters.AddWithValue(d.Today);
        cmd.Parameters.AddWithValue(d.Now);
        cmd.Parameters.AddWithValue(Actor);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void CopyLoans(NpgsqlConnection conn, List<LoanRow> loans, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY loans (id, county_id, town_id, household_id, member_id, scheme_id, lender_id, guarantor_id, principal_fen, term_months, purpose, " +
            "state, annual_rate_ppm, entrusted, contract_number, disbursement_date, maturity_date, repayment_date, overdue_date, default_date, " +
            "claim_fen, guarantor_liability_fen, applied_by, version, create_time, update_time) FROM STDIN (FORMAT BINARY)");
        foreach (var l in loans)
        {
            w.StartRow();
            w.Write(l.Id, NpgsqlDbType.Bigint);
            w.Write(l.CountyId, NpgsqlDbType.Integer);
            w.Write(l.TownId, NpgsqlDbType.Bigint);
            w.Write(l.HouseholdId, NpgsqlDbType.Bigint);
            w.Write(l.MemberId, NpgsqlDbType.Smallint);
            w.Write(l.SchemeId, NpgsqlDbType.Bigint);
            w.Write(l.LenderId, NpgsqlDbType.Bigint);
            if (l.GuarantorId is { } g) w.Write(g, NpgsqlDbType.Bigint); else w.WriteNull();
            w.Write(l.PrincipalFen, NpgsqlDbType.Bigint);
            w.Write(l.TermMonths, NpgsqlDbType.Integer);
            WriteText(w, l.Purpose);
            w.Write((int)l.State, NpgsqlDbType.Integer);
            w.Write(l.AnnualRatePpm, NpgsqlDbType.Integer);
            w.Write(l.Entrusted, NpgsqlDbType.Boolean);
            WriteText(w, l.ContractNumber);
            foreach (var date in new[] { l.DisbursementDate, l.MaturityDate, l.RepaymentDate, l.OverdueDate, l.DefaultDate })
            {
                if (date is { } x) w.Write(x, NpgsqlDbType.Date); else w.WriteNull();
            }
            w.Write(l.ClaimFen, NpgsqlDbType.Bigint);
            w.Write(l.GuarantorLiabilityFen, NpgsqlDbType.Bigint);
            w.Write(l.AppliedBy, NpgsqlDbType.Varchar);
            w.Write(l.Version, NpgsqlDbType.Integer);
            w.Write(l.CreateTime, NpgsqlDbType.TimestampTz);
            w.Write(l.UpdateTime, NpgsqlDbType.TimestampTz);
        }
        ct.ThrowIfCancellationRequested();
        w.Complete();
    }

    /// <summary>The counters the application continues from.</summary>
    public IEnumerable<IdCounterRow> Counters(int countyId) =>
    [
        new() { CountyId = countyId, Kind = "enterprise", Next = Guarantor.Id % 1_000_000 + 1 },
        new() { CountyId = countyId, Kind = "loan_scheme", Next = Schemes.Count + 1 },
        new() { CountyId = countyId, Kind = "lender", Next = 2 },
        new() { CountyId = countyId, Kind = "loan", Next = Loans.Max(l => l.Id) % 1_000_000 + 1 },
    ];

    private static void WriteText(NpgsqlBinaryImporter w, string? text)
    {
        if (text is null) w.WriteNull(); else w.Write(text, NpgsqlDbType.Varchar);
    }

    internal static DateTime TimeOf(DateOnly chinaDate) => chinaDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) + TenInTheMorningChina;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    /// <summary>A valid unified social credit code (GB 32100) for the county's demo enterprise number <paramref name="n"/> (1: the guarantor).</summary>
    internal static string CreditCodeOf(int countyId, int n)
    {
        var body = $"91{countyId}MA5BN{n:D4}";
        return body + CreditCode.CheckCharacter(body);
    }
}
