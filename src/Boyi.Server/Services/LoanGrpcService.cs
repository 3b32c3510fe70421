using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Identity;
using Boyi.Infrastructure.Loans;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;
using Dom = Boyi.Domain.Loans;

namespace Boyi.Server.Services;

public sealed class LoanGrpcService(LoanStore store, DividendStore dividends, InterestDueStore interest, Mutations mutations, ActorDirectory actors, TimeProvider clock)
    : LoanService.LoanServiceBase
{
    // ---- schemes ----

    public override Task<CreateLoanSchemeResponse> CreateLoanScheme(CreateLoanSchemeRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        var input = request.Scheme ?? throw DomainException.Invalid("scheme", "REQUIRED", "is required");
        var row = new LoanSchemeRow
        {
            CountyId = county, DisplayName = input.DisplayName.Trim(), Kind = (Dom.LoanSchemeKind)(int)input.Kind,
            GuaranteeRequired = input.GuaranteeRequired, Entrusted = input.Entrusted,
        };
        var shares = Shares(input);
        SetTerms(row, input, SchemeTerms.ToHashSet());
        CheckScheme(row, shares);
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateLoanSchemeResponse { Scheme = (await store.CreateSchemeAsync(db, row, shares, ct)).ToProto() });
    }

    public override async Task<GetLoanSchemeResponse> GetLoanScheme(GetLoanSchemeRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLoanScheme(request.Name, "name");
        Reach.Require(InCounty(context, id), "loan scheme", ResourceNames.LoanScheme(id));
        return new GetLoanSchemeResponse { Scheme = (await store.GetSchemeAsync(id, context.CancellationToken)).ToProto() };
    }

    public override async Task<ListLoanSchemesResponse> ListLoanSchemes(ListLoanSchemesRequest request, ServerCallContext context)
    {
        var response = new ListLoanSchemesResponse();
        (var items, response.NextPageToken) = await CountyPageAsync(context, request.Parent, request.PageSize, request.PageToken, "loan-schemes",
            store.ListSchemesAsync, r => r.Scheme.Id);
        response.Schemes.AddRange(items.Select(r => r.ToProto()));
        return response;
    }

    /// <summary>A page of a county's schemes or lenders: readable by every role of the county, empty for another county.</summary>
    private static async Task<(IEnumerable<T> Items, string Next)> CountyPageAsync<T>(ServerCallContext context, string parent, int pageSize,
        string pageToken, string kind, Func<int, long?, int, CancellationToken, Task<List<T>>> list, Func<T, long> key)
    {
        var county = ResourceNames.ParseCounty(parent, "parent");
        var size = Paging.Size(pageSize);
        var query = $"{kind}|{county}";
        var after = Paging.After(pageToken, query);
        if (!context.Reach().Everything && context.Reach().CountyId != county)
            return ([], "");
        return Paging.Page(await list(county, after, size + 1, context.CancellationToken), size, query, key);
    }

    /// <summary>Terms a scheme's update may change; its kind, guarantee and entrustment are fixed once loans may name it.</summary>
    private static readonly string[] SchemeTerms =
    [
        "display_name", "max_principal_fen", "max_term_months", "annual_rate_ppm", "subsidy_years", "subsidy_shares", "dividend_rate_ppm",
        "dividend_grace_days", "repayment_grace_days", "default_after_overdue_days", "risk_fund_share_ppm",
    ];

    public override async Task<UpdateLoanSchemeResponse> UpdateLoanScheme(UpdateLoanSchemeRequest request, ServerCallContext context)
    {
        var input = request.Scheme ?? throw DomainException.Invalid("scheme", "REQUIRED", "is required");
        var id = ResourceNames.ParseLoanScheme(input.Name, "scheme.name");
        var version = Wire.Version(input.Etag, "scheme.etag");
        var mask = UpdateMask.Resolve(request.UpdateMask, SchemeTerms, _ => true);
        var paths = SchemeTerms.Where(mask.Has).ToHashSet();
        var shares = paths.Contains("subsidy_shares") ? Shares(input) : null;
        Reach.Require(InCounty(context, id), "loan scheme", ResourceNames.LoanScheme(id));
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new UpdateLoanSchemeResponse
            {
                Scheme = (await store.UpdateSchemeAsync(db, id, version, row => SetTerms(row, input, paths), shares, CheckScheme, ct)).ToProto(),
            });
    }

    private static void SetTerms(LoanSchemeRow row, LoanScheme input, IReadOnlySet<string> paths)
    {
        if (paths.Contains("display_name")) row.DisplayName = input.DisplayName.Trim();
        if (paths.Contains("max_principal_fen")) row.MaxPrincipalFen = input.MaxPrincipalFen;
        if (paths.Contains("max_term_months")) row.MaxTermMonths = input.MaxTermMonths;
        if (paths.Contains("annual_rate_ppm")) row.AnnualRatePpm = input.AnnualRatePpm;
        if (paths.Contains("subsidy_years")) row.SubsidyYears = input.SubsidyYears;
        if (paths.Contains("dividend_rate_ppm")) row.DividendRatePpm = input.DividendRatePpm;
        if (paths.Contains("dividend_grace_days")) row.DividendGraceDays = input.DividendGraceDays;
        if (paths.Contains("repayment_grace_days")) row.RepaymentGraceDays = input.RepaymentGraceDays;
        if (paths.Contains("default_after_overdue_days")) row.DefaultAfterOverdueDays = input.DefaultAfterOverdueDays;
        if (paths.Contains("risk_fund_share_ppm")) row.RiskFundSharePpm = input.RiskFundSharePpm;
    }

    private static List<Boyi.Domain.Money.SubsidyShare> Shares(LoanScheme input) => input.SubsidyShares.Select(s => new Boyi.Domain.Money.SubsidyShare(s.FromYear, s.SharePpm)).ToList();

    /// <summary>A scheme's terms hang together: positive limits, a guarantee exactly for guaranteed schemes, dividends only when entrusted.</summary>
    private static void CheckScheme(LoanSchemeRow s, IReadOnlyList<Boyi.Domain.Money.SubsidyShare> shares)
    {
        var v = new Violations();
        v.Required("scheme.display_name", s.DisplayName);
        v.MaxLength("scheme.display_name", s.DisplayName, 100);
        if (!Enum.IsDefined(s.Kind))
            v.Add("scheme.kind", "REQUIRED", "is required");
        if (s.MaxPrincipalFen <= 0)
            v.Add("scheme.max_principal_fen", "NOT_POSITIVE", "must be more than 0");
        if (s.MaxTermMonths <= 0)
            v.Add("scheme.max_term_months", "NOT_POSITIVE", "must be more than 0");
        if (s.DefaultAfterOverdueDays <= 0)
            v.Add("scheme.default_after_overdue_days", "NOT_POSITIVE", "must be more than 0");
        if (Enum.IsDefined(s.Kind) && s.GuaranteeRequired != (s.Kind == Dom.LoanSchemeKind.EnterpriseGuaranteed))
            v.Add("scheme.guarantee_required", "KIND_MISMATCH", "is true exactly for ENTERPRISE_GUARANTEED schemes");
        if (s.Entrusted && s.Kind != Dom.LoanSchemeKind.EnterpriseGuaranteed)
            v.Add("scheme.entrusted", "KIND_MISMATCH", "only the money of an enterprise-guaranteed loan is entrusted to the guarantor");
        if (!s.Entrusted && s.DividendRatePpm != 0)
            v.Add("scheme.dividend_rate_ppm", "NOT_ENTRUSTED", "only an entrusted loan pays dividends");
        for (var i = 1; i < shares.Count; i++)
            if (shares[i].FromYear <= shares[i - 1].FromYear)
                v.Add($"scheme.subsidy_shares[{i}].from_year", "NOT_ASCENDING", "must be after the previous entry's year");
        v.ThrowIfAny();
    }

    // ---- lenders and risk funds ----

    public override Task<CreateLenderResponse> CreateLender(CreateLenderRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        var input = request.Lender ?? throw DomainException.Invalid("lender", "REQUIRED", "is required");
        var v = new Violations();
        v.Required("lender.display_name", input.DisplayName);
        if (input.Kind == LenderKind.Unspecified)
            v.Add("lender.kind", "REQUIRED", "is required");
        if (input.RiskFund is not { Leverage: > 0 })
            v.Add("lender.risk_fund.leverage", "NOT_POSITIVE", "must be more than 0");
        v.ThrowIfAny();
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        var row = new LenderRow { CountyId = county, DisplayName = input.DisplayName.Trim(), Kind = (Dom.LenderKind)(int)input.Kind, Leverage = input.RiskFund!.Leverage };
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateLenderResponse { Lender = (await store.CreateLenderAsync(db, row, ct)).ToProto() });
    }

    public override async Task<GetLenderResponse> GetLender(GetLenderRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLender(request.Name, "name");
        Reach.Require(InCounty(context, id), "lender", ResourceNames.Lender(id));
        return new GetLenderResponse { Lender = (await store.GetLenderAsync(id, context.CancellationToken)).ToProto() };
    }

    public override async Task<ListLendersResponse> ListLenders(ListLendersRequest request, ServerCallContext context)
    {
        var response = new ListLendersResponse();
        (var items, response.NextPageToken) = await CountyPageAsync(context, request.Parent, request.PageSize, request.PageToken, "lenders",
            store.ListLendersAsync, r => r.Id);
        response.Lenders.AddRange(items.Select(r => r.ToProto()));
        return response;
    }

    public override async Task<DepositRiskFundResponse> DepositRiskFund(DepositRiskFundRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLender(request.Name, "name");
        var v = new Violations();
        if (request.AmountFen <= 0)
            v.Add("amount_fen", "NOT_POSITIVE", "must be more than 0");
        var date = RequiredDate(v, request.Date, "date");
        v.ThrowIfAny();
        Reach.Require(InCounty(context, id), "lender", ResourceNames.Lender(id));
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new DepositRiskFundResponse { Lender = (await store.DepositAsync(db, id, request.AmountFen, date, Optional(request.Reason), actor, ct)).ToProto() });
    }

    public override async Task<ListRiskFundEntriesResponse> ListRiskFundEntries(ListRiskFundEntriesRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLender(request.Parent, "parent");
        Reach.Require(InCounty(context, id), "lender", ResourceNames.Lender(id));
        await store.GetLenderAsync(id, context.CancellationToken);
        var size = Paging.Size(request.PageSize);
        var key = $"risk-fund|{id}";
        var rows = await store.ListEntriesAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        var response = new ListRiskFundEntriesResponse { NextPageToken = next };
        response.Entries.AddRange(items.Select(e => e.ToProto()));
        await actors.DescribeAsync(response.Entries, e => e.Actor, (e, a) => e.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    // ---- loans ----

    public override async Task<CreateLoanResponse> CreateLoan(CreateLoanRequest request, ServerCallContext context)
    {
        var input = request.Loan ?? throw DomainException.Invalid("loan", "REQUIRED", "is required");
        var v = new Violations();
        long household = 0, scheme = 0, lender = 0;
        long? guarantor = null;
        (long Household, short Member) borrower = default;
        v.Capture(() => household = ResourceNames.ParseHousehold(input.Household, "loan.household"));
        v.Capture(() => borrower = ResourceNames.ParseMember(input.Borrower, "loan.borrower"));
        v.Capture(() => scheme = ResourceNames.ParseLoanScheme(input.Scheme, "loan.scheme"));
        v.Capture(() => lender = ResourceNames.ParseLender(input.Lender, "loan.lender"));
        if (input.Guarantor != "")
            v.Capture(() => guarantor = ResourceNames.ParseEnterprise(input.Guarantor, "loan.guarantor"));
        if (household != 0 && borrower.Household != 0 && borrower.Household != household)
            v.Add("loan.borrower", "NOT_IN_HOUSEHOLD", "must be a member of loan.household");
        if (input.PrincipalFen <= 0)
            v.Add("loan.principal_fen", "NOT_POSITIVE", "must be more than 0");
        if (input.TermMonths <= 0)
            v.Add("loan.term_months", "NOT_POSITIVE", "must be more than 0");
        v.ThrowIfAny();
        // The household's cadre or staff of its town or county apply; a household outside reach answers like a missing one.
        var reach = context.Reach();
        Reach.Require(reach.ContainsHouseholdArea(household) && (reach.OnlyPairedWith is not { } cadre
            || await store.IsPairedAsync(cadre, household, context.CancellationToken)), "household", ResourceNames.Household(household));
        var row = new LoanRow
        {
            HouseholdId = household, MemberId = borrower.Member, SchemeId = scheme, LenderId = lender, GuarantorId = guarantor,
            PrincipalFen = input.PrincipalFen, TermMonths = input.TermMonths, Purpose = Optional(input.Purpose), AppliedBy = context.Caller().Principal,
        };
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
            new CreateLoanResponse { Loan = View(context, await store.ApplyAsync(db, row, ct)) });
    }

    public override async Task<GetLoanResponse> GetLoan(GetLoanRequest request, ServerCallContext context) =>
        new() { Loan = View(context, await ReachableAsync(ResourceNames.ParseLoan(request.Name, "name"), context)) };

    public override async Task<ListLoansResponse> ListLoans(ListLoansRequest request, ServerCallContext context)
    {
        var filter = Filter.Parse(request.Filter, ListFilters.Loans);
        var area = ResourceNames.ParseArea(request.Parent, "parent", AreaKind.County, AreaKind.Town);
        var v = new Violations();
        long? scheme = null, household = null, guarantor = null, lender = null;
        if (request.Scheme != "") v.Capture(() => scheme = ResourceNames.ParseLoanScheme(request.Scheme, "scheme"));
        if (request.Household != "") v.Capture(() => household = ResourceNames.ParseHousehold(request.Household, "household"));
        if (request.Guarantor != "") v.Capture(() => guarantor = ResourceNames.ParseEnterprise(request.Guarantor, "guarantor"));
        if (request.Lender != "") v.Capture(() => lender = ResourceNames.ParseLender(request.Lender, "lender"));
        v.ThrowIfAny();
        var size = Paging.Size(request.PageSize);
        var key = $"loans|{request.Parent}|{filter}|{scheme}|{household}|{guarantor}|{lender}";
        var after = Paging.After(request.PageToken, key);
        var response = new ListLoansResponse();
        var reach = context.Reach();
        var town = area.Kind == AreaKind.Town ? area.Id : (long?)null;
        if (!reach.Everything)
        {
            // Each caller gets the part it reaches; a list about what is not theirs is empty, as for a missing area.
            if (area.CountyId != reach.CountyId || reach.TownId is { } own && town is { } asked && asked != own
                || reach.EnterpriseId is { } mine && guarantor is { } other && other != mine)
                return response;
            town = reach.TownId ?? town;
            guarantor = reach.EnterpriseId ?? guarantor;
        }
        var states = filter.GetEnums<LoanState>("state")?.Select(s => (Dom.LoanState)(int)s).ToList();
        var query = new LoanQuery(area.CountyId, town, reach.OnlyPairedWith, guarantor, scheme, household, lender, states);
        var rows = await store.ListLoansAsync(query, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Loan.Id);
        response.Loans.AddRange(items.Select(r => View(context, r)));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<ListLoanEventsResponse> ListLoanEvents(ListLoanEventsRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseLoan(request.Parent, "parent");
        await ReachableAsync(id, context);
        var size = Paging.Size(request.PageSize);
        var key = $"loan-events|{id}";
        var rows = await store.ListEventsAsync(id, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        var response = new ListLoanEventsResponse { NextPageToken = next };
        response.Events.AddRange(items.Select(e => e.ToProto()));
        await actors.DescribeAsync(response.Events, e => e.Actor, (e, a) => e.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    public override Task<ApproveLoanResponse> ApproveLoan(ApproveLoanRequest request, ServerCallContext context) =>
        StepAsync(request, request.Name, request.Etag, request.RequestId, context, null,
            (db, id, version, actor, ct) => store.ApproveAsync(db, id, version, actor, Optional(request.Reason), ct),
            l => new ApproveLoanResponse { Loan = l });

    public override Task<RejectLoanResponse> RejectLoan(RejectLoanRequest request, ServerCallContext context) =>
        StepAsync(request, request.Name, request.Etag, request.RequestId, context, v => v.Required("reason", request.Reason),
            (db, id, version, actor, ct) => store.RejectAsync(db, id, version, actor, request.Reason.Trim(), ct),
            l => new RejectLoanResponse { Loan = l });

    public override Task<DisburseLoanResponse> DisburseLoan(DisburseLoanRequest request, ServerCallContext context)
    {
        DateOnly date = default;
        return StepAsync(request, request.Name, request.Etag, request.RequestId, context, v =>
            {
                v.Required("contract_number", request.ContractNumber);
                date = RequiredDate(v, request.DisbursementDate, "disbursement_date");
                v.NonNegative("term_months", request.TermMonths);
            },
            (db, id, version, actor, ct) => store.DisburseAsync(db, id, version, actor, request.ContractNumber.Trim(), date, request.TermMonths, ct),
            l => new DisburseLoanResponse { Loan = l });
    }

    public override Task<RepayLoanResponse> RepayLoan(RepayLoanRequest request, ServerCallContext context)
    {
        DateOnly date = default;
        return StepAsync(request, request.Name, request.Etag, request.RequestId, context, v => date = RequiredDate(v, request.RepaymentDate, "repayment_date"),
            (db, id, version, actor, ct) => store.RepayAsync(db, id, version, actor, date, ct),
            l => new RepayLoanResponse { Loan = l });
    }

    public override Task<MarkLoanOverdueResponse> MarkLoanOverdue(MarkLoanOverdueRequest request, ServerCallContext context)
    {
        DateOnly date = default;
        return StepAsync(request, request.Name, request.Etag, request.RequestId, context, v =>
            {
                date = RequiredDate(v, request.OverdueDate, "overdue_date");
                v.Required("reason", request.Reason);
            },
            (db, id, version, actor, ct) => store.MarkOverdueAsync(db, id, version, actor, date, request.Reason.Trim(), ct),
            l => new MarkLoanOverdueResponse { Loan = l });
    }

    public override Task<DefaultLoanResponse> DefaultLoan(DefaultLoanRequest request, ServerCallContext context) =>
        StepAsync(request, request.Name, request.Etag, request.RequestId, context, null,
            (db, id, version, actor, ct) => store.DefaultAsync(db, id, version, actor, Optional(request.Reason), ct),
            l => new DefaultLoanResponse { Loan = l });

    public override Task<CompensateLoanResponse> CompensateLoan(CompensateLoanRequest request, ServerCallContext context)
    {
        DateOnly date = default;
        return StepAsync(request, request.Name, request.Etag, request.RequestId, context, v => date = RequiredDate(v, request.ClaimDate, "claim_date"),
            (db, id, version, actor, ct) => store.CompensateAsync(db, id, version, actor, date, Optional(request.Reason), ct),
            l => new CompensateLoanResponse { Loan = l });
    }

    // ---- dividends of entrusted loans ----

    public override async Task<ListDividendsResponse> ListDividends(ListDividendsRequest request, ServerCallContext context)
    {
        var filter = Filter.Parse(request.Filter, ListFilters.Dividends);
        var (scope, key, after, size) = await PaymentListAsync(context, request.Parent, request.PageSize, request.PageToken, $"dividends|{request.Parent}|{filter}");
        var response = new ListDividendsResponse();
        if (scope is not { } q)
            return response;
        var today = Boyi.Domain.ChinaTime.Today(clock);
        var states = filter.GetEnums<DividendState>("state")?.Select(s => (DividendStanding)(int)s).ToList();
        var rows = await dividends.ListAsync(new DividendQuery(q.County, today, q.Loan, q.Enterprise, q.Town, states), after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.LedgerId);
        response.Dividends.AddRange(items.Select(d => d.ToProto(today, MaskBorrower(context, d.Entrusted, d.LoanState))));
        response.NextPageToken = next;
        return response;
    }

    /// <summary>
    /// The part of a payment list (dividends, interest dues) the caller reaches, from its parent — `loans/{loan}`,
    /// `enterprises/{enterprise}` or `counties/{county}` — as for loans: a town officer their town's, an enterprise its
    /// own; null (an empty list) for a list about what is not theirs; an unreachable loan answers NOT_FOUND.
    /// </summary>
    private async Task<((int County, long? Loan, long? Enterprise, long? Town)? Scope, string Key, long? After, int Size)> PaymentListAsync(
        ServerCallContext context, string parent, int pageSize, string pageToken, string key)
    {
        long? loan = null, enterprise = null, town = null;
        int county;
        if (parent.StartsWith("loans/", StringComparison.Ordinal))
            county = (int)((loan = ResourceNames.ParseLoan(parent, "parent")) / LoanStore.IdFactor);
        else if (parent.StartsWith("enterprises/", StringComparison.Ordinal))
            county = Boyi.Domain.Registry.Ids.CountyOfEnterprise((enterprise = ResourceNames.ParseEnterprise(parent, "parent")).Value);
        else
            county = ResourceNames.ParseCounty(parent, "parent");
        var size = Paging.Size(pageSize);
        var after = Paging.After(pageToken, key);
        var reach = context.Reach();
        if (loan is { } id)
            await ReachableAsync(id, context);
        else if (!reach.Everything && (county != reach.CountyId || reach.EnterpriseId is { } mine && enterprise is { } other && other != mine))
            return (null, key, after, size);
        if (!reach.Everything)
        {
            town = reach.TownId;
            enterprise = reach.EnterpriseId ?? enterprise;
        }
        return ((county, loan, enterprise, town), key, after, size);
    }

    public override async Task<RecordDividendPaymentResponse> RecordDividendPayment(RecordDividendPaymentRequest request, ServerCallContext context)
    {
        var (loan, year) = ParseDividend(request.Name, "name");
        var (version, date) = Payment(request.Etag, request.PaidDate, request.AmountFen);
        // The enterprise of record (the guarantor) or county staff; anyone else's answers like a missing one.
        await ReachableAsync(loan, context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var d = await dividends.RecordPaymentAsync(db, loan, year, version, date, request.AmountFen, Optional(request.Reference), actor, ct);
            return new RecordDividendPaymentResponse { Dividend = d.ToProto(Boyi.Domain.ChinaTime.Today(clock), MaskBorrower(context, d.Entrusted, d.LoanState)) };
        });
    }

    // ---- borrowers' interest ----

    public override async Task<ListInterestDuesResponse> ListInterestDues(ListInterestDuesRequest request, ServerCallContext context)
    {
        var filter = Filter.Parse(request.Filter, ListFilters.InterestDues);
        var (scope, key, after, size) = await PaymentListAsync(context, request.Parent, request.PageSize, request.PageToken,
            $"interest-dues|{request.Parent}|{filter}");
        var response = new ListInterestDuesResponse();
        if (scope is not { } q)
            return response;
        var today = Boyi.Domain.ChinaTime.Today(clock);
        var states = filter.GetEnums<InterestDueState>("state")?.Select(s => (InterestDueStanding)(int)s).ToList();
        // The policy lets no town officer in, so the scope's town is always null here.
        var rows = await interest.ListAsync(new InterestDueQuery(q.County, today, q.Loan, q.Enterprise, states), after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        response.InterestDues.AddRange(items.Select(d => d.ToProto(today, MaskBorrower(context, d.Entrusted, d.LoanState))));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<RecordInterestPaymentResponse> RecordInterestPayment(RecordInterestPaymentRequest request, ServerCallContext context)
    {
        var (loan, periodEnd) = ParseInterestDue(request.Name, "name");
        var (version, date) = Payment(request.Etag, request.PaidDate, request.AmountFen);
        // County staff, or the enterprise that pays it; anyone else's answers like a missing one.
        await ReachableAsync(loan, context);
        var actor = context.Caller().Principal;
        var enterprise = context.Reach().EnterpriseId;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var d = await interest.RecordPaymentAsync(db, loan, periodEnd, version, date, request.AmountFen, Optional(request.Reference), actor, enterprise, ct);
            return new RecordInterestPaymentResponse
            {
                InterestDue = d.ToProto(Boyi.Domain.ChinaTime.Today(clock), MaskBorrower(context, d.Entrusted, d.LoanState)),
            };
        });
    }

    /// <summary>`loans/{loan}/interestDues/{yyyy-MM-dd}`, the date a settlement date.</summary>
    private static (long Loan, DateOnly PeriodEnd) ParseInterestDue(string name, string field)
    {
        var cut = name.LastIndexOf("/interestDues/", StringComparison.Ordinal);
        if (cut > 0 && DateOnly.TryParseExact(name.AsSpan(cut + "/interestDues/".Length), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var end) && Boyi.Domain.Money.SettlementCalendar.IsSettlementDate(end))
            return (ResourceNames.ParseLoan(name[..cut], field), end);
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        throw DomainException.Invalid(field, "INVALID_NAME", "must have the form loans/{loan}/interestDues/{YYYY-MM-DD}, a settlement date");
    }

    /// <summary>The fields every payment's recording checks alike (dividends, interest): its etag, a paid date, a positive amount.</summary>
    private static (int? Version, DateOnly PaidDate) Payment(string etag, Google.Type.Date? paidDate, long amountFen)
    {
        var v = new Violations();
        int? version = null;
        v.Capture(() => version = Wire.Version(etag, "etag"));
        var date = RequiredDate(v, paidDate, "paid_date");
        if (amountFen <= 0)
            v.Add("amount_fen", "NOT_POSITIVE", "must be more than 0");
        v.ThrowIfAny();
        return (version, date);
    }

    /// <summary>`loans/{loan}/dividends/{year}`.</summary>
    private static (long Loan, int Year) ParseDividend(string name, string field)
    {
        var cut = name.LastIndexOf("/dividends/", StringComparison.Ordinal);
        if (cut > 0 && int.TryParse(name.AsSpan(cut + "/dividends/".Length), System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var year) && year is > 0 and <= 100)
            return (ResourceNames.ParseLoan(name[..cut], field), year);
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        throw DomainException.Invalid(field, "INVALID_NAME", "must have the form loans/{loan}/dividends/{year}");
    }

    private async Task<TResponse> StepAsync<TRequest, TResponse>(TRequest request, string name, string etag, string requestId, ServerCallContext context,
        Action<Violations>? validate, Func<BoyiDbContext, long, int?, string, CancellationToken, Task<LoanRecord>> step, Func<Loan, TResponse> respond)
        where TRequest : Google.Protobuf.IMessage
        where TResponse : Google.Protobuf.IMessage<TResponse>, new()
    {
        var id = ResourceNames.ParseLoan(name, "name");
        var v = new Violations();
        int? version = null;
        v.Capture(() => version = Wire.Version(etag, "etag"));
        validate?.Invoke(v);
        v.ThrowIfAny();
        await ReachableAsync(id, context);
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, requestId, context, async (db, ct) => respond(View(context, await step(db, id, version, actor, ct))));
    }

    /// <summary>
    /// A loan the caller reaches: county staff and auditors their county's, a town officer their town's, a cadre those
    /// of the households they are paired with, an enterprise those it guarantees; anything else answers NOT_FOUND.
    /// </summary>
    private async Task<LoanRecord> ReachableAsync(long id, ServerCallContext context)
    {
        var reach = context.Reach();
        Reach.Require(InCounty(context, id), "loan", ResourceNames.Loan(id));
        var record = await store.GetLoanAsync(id, context.CancellationToken);
        var loan = record.Loan;
        var reachable = reach.Everything
            || (reach.TownId is not { } town || town == loan.TownId)
            && (reach.EnterpriseId is not { } enterprise || enterprise == loan.GuarantorId)
            && (reach.OnlyPairedWith is not { } cadre || await store.IsPairedAsync(cadre, loan.HouseholdId, context.CancellationToken));
        Reach.Require(reachable, "loan", ResourceNames.Loan(id));
        return record;
    }

    /// <summary>A guarantor enterprise sees the borrower by surname only until it is the loan's lender of record.</summary>
    private static Loan View(ServerCallContext context, LoanRecord record) =>
        record.ToProto(MaskBorrower(context, record.Loan.Entrusted, record.Loan.State));

    private static bool MaskBorrower(ServerCallContext context, bool entrusted, Dom.LoanState state) =>
        context.Reach().EnterpriseId is not null && !Dom.LoanRules.IsLenderOfRecord(entrusted, state);

    /// <summary>Whether a county-numbered object (scheme, lender, loan: county × 10^6 + sequence) is of the caller's county.</summary>
    private static bool InCounty(ServerCallContext context, long id) =>
        context.Reach() is var reach && (reach.Everything || (int)(id / LoanStore.IdFactor) == reach.CountyId);

    internal static DateOnly RequiredDate(Violations v, Google.Type.Date? date, string field)
    {
        DateOnly? result = null;
        v.Capture(() => result = Wire.Date(date, field));
        if (date is null || result is null && !v.Items.Any(x => x.Field == field))
            v.Add(field, "REQUIRED", "is required");
        return result ?? default;
    }

    private static string? Optional(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
