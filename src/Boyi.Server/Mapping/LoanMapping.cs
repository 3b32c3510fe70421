using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Loans;
using Boyi.Server.Grpc;
using Dom = Boyi.Domain.Loans;

namespace Boyi.Server.Mapping;

/// <summary>Loans, schemes, lenders and their risk funds on the wire. Enum numbers are the domain's.</summary>
public static class LoanMapping
{
    public static LoanScheme ToProto(this LoanSchemeRecord r)
    {
        var s = r.Scheme;
        var proto = new LoanScheme
        {
            Name = ResourceNames.LoanScheme(s.Id),
            County = ResourceNames.County(s.CountyId),
            DisplayName = s.DisplayName,
            Kind = (LoanSchemeKind)(int)s.Kind,
            MaxPrincipalFen = s.MaxPrincipalFen,
            MaxTermMonths = s.MaxTermMonths,
            AnnualRatePpm = s.AnnualRatePpm,
            GuaranteeRequired = s.GuaranteeRequired,
            SubsidyYears = s.SubsidyYears,
            Entrusted = s.Entrusted,
            DividendRatePpm = s.DividendRatePpm,
            DividendGraceDays = s.DividendGraceDays,
            RepaymentGraceDays = s.RepaymentGraceDays,
            DefaultAfterOverdueDays = s.DefaultAfterOverdueDays,
            RiskFundSharePpm = s.RiskFundSharePpm,
            Etag = Wire.Etag(s.Version),
            CreateTime = Wire.Time(s.CreateTime),
            UpdateTime = Wire.Time(s.UpdateTime),
        };
        proto.SubsidyShares.AddRange(r.Shares.Select(x => new SubsidyShare { FromYear = x.FromYear, SharePpm = x.SharePpm }));
        return proto;
    }

    public static Lender ToProto(this LenderRow l)
    {
        var capacity = Dom.LoanRules.Capacity(l.DepositsFen, l.ClaimsFen, l.Leverage);
        return new Lender
        {
            Name = ResourceNames.Lender(l.Id),
            County = ResourceNames.County(l.CountyId),
            DisplayName = l.DisplayName,
            Kind = (LenderKind)(int)l.Kind,
            RiskFund = new RiskFund
            {
                Leverage = l.Leverage,
                DepositsFen = l.DepositsFen,
                ClaimsFen = l.ClaimsFen,
                CapacityFen = capacity,
                UsedFen = l.ReservedFen,
                FreeFen = capacity - l.ReservedFen,
            },
            Etag = Wire.Etag(l.Version),
            CreateTime = Wire.Time(l.CreateTime),
        };
    }

    public static RiskFundEntry ToProto(this RiskFundEntryRow e) => new()
    {
        Kind = (RiskFundEntryKind)(int)e.Kind,
        AmountFen = e.AmountFen,
        Date = Wire.Date(e.Date),
        Loan = e.LoanId is { } loan ? ResourceNames.Loan(loan) : "",
        Reason = e.Reason ?? "",
        Actor = e.Actor,
        CreateTime = Wire.Time(e.CreateTime),
    };

    /// <summary>The loan as a reader sees it; <paramref name="maskBorrower"/> shows the borrower's surname only (陈某).</summary>
    public static Loan ToProto(this LoanRecord r, bool maskBorrower)
    {
        var l = r.Loan;
        return new Loan
        {
            Name = ResourceNames.Loan(l.Id),
            Household = ResourceNames.Household(l.HouseholdId),
            Borrower = ResourceNames.Member(l.HouseholdId, l.MemberId),
            BorrowerName = maskBorrower ? Boyi.Domain.Enterprises.Candidates.MaskName(r.BorrowerName) : r.BorrowerName,
            BorrowerMasked = maskBorrower,
            Scheme = ResourceNames.LoanScheme(l.SchemeId),
            Lender = ResourceNames.Lender(l.LenderId),
            Guarantor = l.GuarantorId is { } g ? ResourceNames.Enterprise(g) : "",
            PrincipalFen = l.PrincipalFen,
            TermMonths = l.TermMonths,
            Purpose = l.Purpose ?? "",
            State = (LoanState)(int)l.State,
            AnnualRatePpm = l.AnnualRatePpm,
            ContractNumber = l.ContractNumber ?? "",
            DisbursementDate = Wire.Date(l.DisbursementDate),
            MaturityDate = Wire.Date(l.MaturityDate),
            RepaymentDate = Wire.Date(l.RepaymentDate),
            OverdueDate = Wire.Date(l.OverdueDate),
            DefaultDate = Wire.Date(l.DefaultDate),
            ClaimFen = l.ClaimFen,
            GuarantorLiabilityFen = l.GuarantorLiabilityFen,
            Etag = Wire.Etag(l.Version),
            CreateTime = Wire.Time(l.CreateTime),
            UpdateTime = Wire.Time(l.UpdateTime),
        };
    }

    public static LoanEvent ToProto(this LoanEventRow e) => new()
    {
        FromState = e.FromState is { } from ? (LoanState)(int)from : LoanState.Unspecified,
        ToState = (LoanState)(int)e.ToState,
        Date = Wire.Date(e.Date),
        AmountFen = e.AmountFen,
        Reason = e.Reason ?? "",
        Actor = e.Actor,
        EventTime = Wire.Time(e.EventTime),
    };
}
