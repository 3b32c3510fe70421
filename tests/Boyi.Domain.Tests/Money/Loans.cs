using Boyi.Domain.Money;

namespace Boyi.Domain.Tests.Money;

/// <summary>Loan terms for the tests: one full repayment at maturity unless the test gives repayments.</summary>
internal static class Loans
{
    public static DateOnly D(int year, int month, int day) => new(year, month, day);

    public static LoanTerms Loan(long principalFen, int ratePpm, DateOnly disbursed, DateOnly maturity,
        PrincipalRepayment[]? repayments = null, DateOnly? defaulted = null, int subsidyYears = 3, SubsidyShare[]? shares = null) =>
        new(LoanId: 1, principalFen, ratePpm, disbursed, maturity,
            repayments ?? [], defaulted, subsidyYears, shares ?? [new SubsidyShare(2000, 1_000_000)]);
}
