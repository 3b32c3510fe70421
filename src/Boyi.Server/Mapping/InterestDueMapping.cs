using Boyi.Contracts.V1;
using Boyi.Infrastructure.Loans;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class InterestDueMapping
{
    /// <summary>`loans/{loan}/interestDues/{period_end}`.</summary>
    public static string Name(long loanId, DateOnly periodEnd) =>
        $"{ResourceNames.Loan(loanId)}/interestDues/{periodEnd.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The due as a reader sees it on <paramref name="today"/>; <paramref name="maskBorrower"/> as for its loan.</summary>
    public static InterestDue ToProto(this InterestDueRecord d, DateOnly today, bool maskBorrower) => new()
    {
        Name = Name(d.LoanId, d.PeriodEnd),
        Loan = ResourceNames.Loan(d.LoanId),
        Payer = d.PayerEnterpriseId is { } e ? ResourceNames.Enterprise(e) : ResourceNames.Household(d.HouseholdId),
        Household = ResourceNames.Household(d.HouseholdId),
        BorrowerName = maskBorrower ? Boyi.Domain.Enterprises.Candidates.MaskName(d.BorrowerName) : d.BorrowerName,
        BorrowerMasked = maskBorrower,
        PeriodEnd = Wire.Date(d.PeriodEnd),
        Days = d.Days,
        AmountFen = d.AmountFen,
        InterestFen = d.InterestFen,
        SubsidyFen = d.SubsidyFen,
        DueDate = Wire.Date(d.DueDate),
        LastOnTimeDate = Wire.Date(d.LastOnTimeDay),
        State = (InterestDueState)(int)d.StateOn(today),
        PaidDate = Wire.Date(d.PaidDate),
        Reference = d.Reference ?? "",
        RecordedBy = d.RecordedBy ?? "",
        Etag = Wire.Etag(d.Version),
    };
}
