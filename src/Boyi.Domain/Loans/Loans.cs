using Boyi.Domain.Validation;
using Boyi.Domain.Money;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Loans;

public enum LoanSchemeKind
{
    /// <summary>扶贫小额信贷: no guarantee or collateral.</summary>
    PovertyMicroCredit = 1,
    /// <summary>An enterprise guarantees each loan (e.g. the dairy-buffalo company's scheme).</summary>
    EnterpriseGuaranteed = 2,
}

public enum LenderKind
{
    RuralCreditCooperative = 1,
    OtherBank = 2,
}

public enum LoanState
{
    Applied = 1,
    Approved = 2,
    Rejected = 3,
    Disbursed = 4,
    Repaid = 5,
    Overdue = 6,
    Defaulted = 7,
    Compensated = 8,
}

public enum RiskFundEntryKind
{
    Deposit = 1,
    Claim = 2,
}

/// <summary>
/// The loan rules of DOMAIN.md "Loans and subsidies" that need no database: the lifecycle, the borrower's age, what
/// holds risk-fund capacity, and the split of a defaulted loan between the risk fund and the guarantor.
/// </summary>
public static class LoanRules
{
    public const int MinBorrowerAge = 18;
    public const int MaxBorrowerAge = 65;

    private static readonly Dictionary<LoanState, LoanState[]> Steps = new()
    {
        [LoanState.Applied] = [LoanState.Approved, LoanState.Rejected],
        [LoanState.Approved] = [LoanState.Disbursed],
        [LoanState.Disbursed] = [LoanState.Repaid, LoanState.Overdue],
        [LoanState.Overdue] = [LoanState.Repaid, LoanState.Defaulted],
        [LoanState.Defaulted] = [LoanState.Compensated],
    };

    /// <summary>The state after a step, or FAILED_PRECONDITION / INVALID_STATUS_TRANSITION when the loan's state does not allow it.</summary>
    public static LoanState Move(LoanState from, LoanState to) =>
        Steps.TryGetValue(from, out var next) && next.Contains(to)
            ? to
            : throw DomainException.Precondition("INVALID_STATUS_TRANSITION", $"A loan that is {from} cannot become {to}.",
                new Dictionary<string, string> { ["from"] = from.ToString().ToUpperInvariant(), ["to"] = to.ToString().ToUpperInvariant() });

    /// <summary>A live loan blocks another of the same scheme for the household (a unique index holds exactly these).</summary>
    public static bool IsLive(LoanState s) => s is LoanState.Applied or LoanState.Approved or LoanState.Disbursed or LoanState.Overdue;

    public const string LiveStatesSql = "(1, 2, 4, 6)";

    /// <summary>Approved and not yet repaid or compensated: its principal is reserved from the lender's capacity.</summary>
    public static bool HoldsCapacity(LoanState s) => s is LoanState.Approved or LoanState.Disbursed or LoanState.Overdue or LoanState.Defaulted;

    /// <summary>(balance) × leverage, where the balance is deposits less claims paid (<see cref="RiskFund.Capacity"/>).</summary>
    public static long Capacity(long depositsFen, long claimsFen, int leverage) => RiskFund.Capacity(checked(depositsFen - claimsFen), leverage);

    /// <summary>
    /// The default date of a loan that became overdue on <paramref name="overdueDate"/> (its first day overdue, counted
    /// as 1, as <see cref="Overdue"/> counts): the day it has been overdue for the scheme's days.
    /// </summary>
    public static DateOnly DefaultDate(DateOnly overdueDate, int defaultAfterOverdueDays) => overdueDate.AddDays(defaultAfterOverdueDays - 1);

    public static DateOnly Maturity(DateOnly disbursed, int termMonths) => disbursed.AddMonths(termMonths);

    /// <summary>
    /// An enterprise is the borrower's lender of record, and sees who the borrower is, when it holds the loan's money:
    /// an entrusted loan (贷资入企) it guarantees, from disbursement on (it pays the household its dividends).
    /// </summary>
    public static bool IsLenderOfRecord(bool entrusted, LoanState state) =>
        entrusted && state is LoanState.Disbursed or LoanState.Repaid or LoanState.Overdue or LoanState.Defaulted or LoanState.Compensated;
}

/// <summary>What the eligibility rules look at, read under the household's lock.</summary>
public sealed record LoanApplicant(
    HouseholdStatus HouseholdStatus, bool HouseholdDeleted, DateOnly BorrowerBirthDate, LabourCapacity BorrowerLabour,
    bool LiveLoanInScheme, bool HouseholdHasDefaultedLoan);

/// <summary>The terms a loan is checked against.</summary>
public sealed record SchemeLimits(long MaxPrincipalFen, int MaxTermMonths);

public static class LoanEligibility
{
    /// <summary>
    /// Every eligibility rule a loan breaks (DOMAIN.md): the household needs help, the borrower is 18–65 and able to
    /// work, one live loan per scheme and household, principal and term within the scheme, no defaulted loan in the
    /// household. Each is a field violation carrying its reason; the first reason is the status's.
    /// </summary>
    public static IReadOnlyList<FieldViolation> Check(LoanApplicant a, SchemeLimits scheme, long principalFen, int termMonths, DateOnly today)
    {
        var v = new List<FieldViolation>();
        if (a.HouseholdDeleted || a.HouseholdStatus is not (HouseholdStatus.Poor or HouseholdStatus.AtRiskOfRelapse))
            v.Add(new("loan.household", "HOUSEHOLD_NOT_IN_NEED", "the household is neither poor nor at risk of relapse"));
        if (a.HouseholdHasDefaultedLoan)
            v.Add(new("loan.household", "HOUSEHOLD_HAS_DEFAULTED_LOAN", "a household with a defaulted loan gets no new one"));
        var age = IdCardNumber.CompletedYears(a.BorrowerBirthDate, today);
        if (age is < LoanRules.MinBorrowerAge or > LoanRules.MaxBorrowerAge)
            v.Add(new("loan.borrower", "BORROWER_AGE_OUT_OF_RANGE", $"the borrower must be {LoanRules.MinBorrowerAge} to {LoanRules.MaxBorrowerAge} years old"));
        if (a.BorrowerLabour is not (LabourCapacity.Normal or LabourCapacity.Skilled))
            v.Add(new("loan.borrower", "BORROWER_NOT_ABLE_TO_WORK", "the borrower must be able to work (normal or skilled labour)"));
        if (a.LiveLoanInScheme)
            v.Add(new("loan.scheme", "LIVE_LOAN_IN_SCHEME", "the household already has a live loan of this scheme"));
        if (principalFen > scheme.MaxPrincipalFen)
            v.Add(new("loan.principal_fen", "PRINCIPAL_ABOVE_SCHEME_MAX", $"at most {scheme.MaxPrincipalFen} fen in this scheme"));
        if (termMonths > scheme.MaxTermMonths)
            v.Add(new("loan.term_months", "TERM_ABOVE_SCHEME_MAX", $"at most {scheme.MaxTermMonths} months in this scheme"));
        return v;
    }

    /// <summary>FAILED_PRECONDITION with the first broken rule's reason and every violation, or nothing.</summary>
    public static void ThrowIfAny(IReadOnlyList<FieldViolation> violations)
    {
        if (violations.Count > 0)
            throw new DomainException(ErrorKind.FailedPrecondition, violations[0].Reason, "The loan is not eligible: " +
                string.Join("; ", violations.Select(x => $"{x.Field} {x.Description}")), violations);
    }
}
