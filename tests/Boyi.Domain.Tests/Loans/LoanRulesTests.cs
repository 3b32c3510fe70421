using Boyi.Domain.Errors;
using Boyi.Domain.Loans;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Tests.Loans;

public sealed class LoanRulesTests
{
    [Theory]
    [InlineData(10_000_000, 700_000, 7_000_000, 3_000_000)]   // the article's 100,000 yuan at 70%
    [InlineData(1, 700_000, 1, 0)]                            // 0.7 fen rounds half up to 1
    [InlineData(5, 700_000, 4, 1)]                            // 3.5 fen rounds half up to 4
    [InlineData(3, 500_000, 2, 1)]                            // 1.5 fen rounds half up to 2
    [InlineData(9_999_999, 0, 0, 9_999_999)]
    [InlineData(10_000_000_000, 1_000_000, 10_000_000_000, 0)]
    public void Compensation_PaysTheFundsShareRoundedHalfUp_AndTheGuarantorOwesTheRest(long outstanding, int share, long claim, long rest)
    {
        Assert.Equal(new Boyi.Domain.Money.RiskFundClaim(claim, rest), Boyi.Domain.Money.RiskFund.Claim(outstanding, share));
    }

    [Theory]
    [InlineData("2008-12-05", "2026-12-05", 18)]
    [InlineData("2008-12-06", "2026-12-05", 17)]   // the day before the 18th birthday
    [InlineData("2008-02-29", "2026-02-28", 17)]   // a leap-day birthday is reached on 1 March in other years
    [InlineData("2008-02-29", "2026-03-01", 18)]
    [InlineData("1961-01-01", "2026-12-31", 65)]
    public void CompletedYears_CountsWholeYears(string birth, string day, int age)
    {
        Assert.Equal(age, Boyi.Domain.Validation.IdCardNumber.CompletedYears(DateOnly.Parse(birth), DateOnly.Parse(day)));
    }

    [Fact]
    public void TheLifecycle_AllowsOnlyItsSteps()
    {
        Assert.Equal(LoanState.Approved, LoanRules.Move(LoanState.Applied, LoanState.Approved));
        Assert.Equal(LoanState.Repaid, LoanRules.Move(LoanState.Overdue, LoanState.Repaid));
        Assert.Equal(LoanState.Compensated, LoanRules.Move(LoanState.Defaulted, LoanState.Compensated));
        foreach (var (from, to) in new[]
                 {
                     (LoanState.Applied, LoanState.Disbursed), (LoanState.Approved, LoanState.Rejected), (LoanState.Disbursed, LoanState.Defaulted),
                     (LoanState.Repaid, LoanState.Overdue), (LoanState.Compensated, LoanState.Repaid), (LoanState.Rejected, LoanState.Approved),
                 })
        {
            var e = Assert.Throws<DomainException>(() => LoanRules.Move(from, to));
            Assert.Equal(("INVALID_STATUS_TRANSITION", ErrorKind.FailedPrecondition), (e.Reason, e.Kind));
        }
    }

    [Fact]
    public void AnEntrustedLoansGuarantor_IsTheLenderOfRecord_FromDisbursementOn()
    {
        Assert.False(LoanRules.IsLenderOfRecord(entrusted: true, LoanState.Approved));
        Assert.True(LoanRules.IsLenderOfRecord(entrusted: true, LoanState.Disbursed));
        Assert.True(LoanRules.IsLenderOfRecord(entrusted: true, LoanState.Compensated));
        Assert.False(LoanRules.IsLenderOfRecord(entrusted: false, LoanState.Disbursed));
    }

    [Fact]
    public void Eligibility_ReportsEveryBrokenRule_FirstReasonForTheStatus()
    {
        var today = new DateOnly(2026, 12, 5);
        var applicant = new LoanApplicant(HouseholdStatus.Lifted, HouseholdDeleted: false, BorrowerBirthDate: new DateOnly(1950, 1, 1),
            BorrowerLabour: LabourCapacity.Weak, LiveLoanInScheme: true, HouseholdHasDefaultedLoan: true);
        var violations = LoanEligibility.Check(applicant, new SchemeLimits(5_000_000, 36), 5_000_001, 37, today);
        Assert.Equal(
            ["HOUSEHOLD_NOT_IN_NEED", "HOUSEHOLD_HAS_DEFAULTED_LOAN", "BORROWER_AGE_OUT_OF_RANGE", "BORROWER_NOT_ABLE_TO_WORK", "LIVE_LOAN_IN_SCHEME",
             "PRINCIPAL_ABOVE_SCHEME_MAX", "TERM_ABOVE_SCHEME_MAX"],
            violations.Select(v => v.Reason));
        var e = Assert.Throws<DomainException>(() => LoanEligibility.ThrowIfAny(violations));
        Assert.Equal(("HOUSEHOLD_NOT_IN_NEED", ErrorKind.FailedPrecondition, 7), (e.Reason, e.Kind, e.Violations.Count));

        var fine = applicant with { HouseholdStatus = HouseholdStatus.AtRiskOfRelapse, BorrowerBirthDate = new DateOnly(1990, 6, 1),
            BorrowerLabour = LabourCapacity.Skilled, LiveLoanInScheme = false, HouseholdHasDefaultedLoan = false };
        Assert.Empty(LoanEligibility.Check(fine, new SchemeLimits(5_000_000, 36), 5_000_000, 36, today));
    }

    [Fact]
    public void Capacity_IsTheFundsBalanceTimesItsLeverage()
    {
        Assert.Equal(30_000_000, LoanRules.Capacity(10_000_000, 7_000_000, 10));
        Assert.Throws<OverflowException>(() => LoanRules.Capacity(long.MaxValue / 2, 0, 10));
    }
}
