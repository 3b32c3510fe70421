using Boyi.Contracts.V1;
using Boyi.Infrastructure.Loans;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class DividendMapping
{
    /// <summary>The dividend as a reader sees it on <paramref name="today"/>; <paramref name="maskBorrower"/> as for its loan.</summary>
    public static Dividend ToProto(this DividendRecord d, DateOnly today, bool maskBorrower) => new()
    {
        Name = $"{ResourceNames.Loan(d.LoanId)}/dividends/{d.Year}",
        Loan = ResourceNames.Loan(d.LoanId),
        Enterprise = d.EnterpriseId is { } e ? ResourceNames.Enterprise(e) : "",
        Household = ResourceNames.Household(d.HouseholdId),
        BorrowerName = maskBorrower ? Boyi.Domain.Enterprises.Candidates.MaskName(d.BorrowerName) : d.BorrowerName,
        BorrowerMasked = maskBorrower,
        Year = d.Year,
        DueDate = Wire.Date(d.DueDate),
        LastOnTimeDate = Wire.Date(d.LastOnTimeDay),
        AmountFen = d.AmountFen,
        State = (DividendState)(int)d.StateOn(today),
        PaidDate = Wire.Date(d.PaidDate),
        Reference = d.Reference ?? "",
        RecordedBy = d.RecordedBy ?? "",
        Etag = Wire.Etag(d.Version),
    };
}
