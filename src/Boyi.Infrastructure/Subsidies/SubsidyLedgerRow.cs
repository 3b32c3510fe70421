using Boyi.Domain.Money;

namespace Boyi.Infrastructure.Subsidies;

/// <summary>
/// One amount the county owes (or an enterprise owes a household, for a dividend): written once, by a unique key per
/// source and period, so a rerun of the run that wrote it writes nothing new.
/// </summary>
public sealed class SubsidyLedgerRow
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public SubsidyKind Kind { get; set; }
    public PayeeKind PayeeKind { get; set; }
    /// <summary>The enterprise, household or lender paid, by <see cref="PayeeKind"/>.</summary>
    public long PayeeId { get; set; }
    /// <summary>The placement of an employment row.</summary>
    public long? PlacementId { get; set; }
    /// <summary>The milestone of an employment row, in months of continuous work.</summary>
    public short? MilestoneMonths { get; set; }
    /// <summary>The loan of an interest or dividend row.</summary>
    public long? LoanId { get; set; }
    /// <summary>
    /// The day the amount was earned, whose calendar year it counts in: the day an employment milestone was reached,
    /// the settlement date ending an interest period, the due date of a dividend.
    /// </summary>
    public DateOnly AccrualDate { get; set; }
    /// <summary>Interest rows: the period's accruing days and its interest, the basis of the subsidy.</summary>
    public int? Days { get; set; }
    public long? InterestFen { get; set; }
    public long AmountFen { get; set; }
    public required string Reason { get; set; }
    public SubsidyRowStatus Status { get; set; }
    /// <summary>The payment batch holding the row (<see cref="PaymentBatchRow"/>).</summary>
    public long? BatchId { get; set; }
    /// <summary>The row this one corrects (a correction is a new row, with the difference as its amount).</summary>
    public long? CorrectsId { get; set; }
    /// <summary>Who wrote a correction (a person, a client, or the system step that changed the loan); null on the runs' rows.</summary>
    public string? CreatedBy { get; set; }
    public DateTime CreateTime { get; set; }
}

/// <summary>A county's employment-subsidy scheme (<see cref="EmploymentSubsidyScheme"/>); a county without a row has the default.</summary>
public sealed class EmploymentSubsidySchemeRow
{
    public int CountyId { get; set; }
    public short[] MilestoneMonths { get; set; } = [];
    public long AmountFen { get; set; }
    public long YearlyCapFen { get; set; }
    public int Version { get; set; }
    public DateTime UpdateTime { get; set; }
}
