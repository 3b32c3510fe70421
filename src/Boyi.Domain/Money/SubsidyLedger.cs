namespace Boyi.Domain.Money;

/// <summary>What a row of the subsidy ledger pays for.</summary>
public enum SubsidyKind
{
    /// <summary>吸纳就业补贴: a placement's milestone of continuous work; the enterprise is paid.</summary>
    Employment = 1,
    /// <summary>贴息: a loan's interest subsidy for one settlement period.</summary>
    Interest = 2,
    /// <summary>A yearly dividend of an entrusted loan (贷资入企), owed by the enterprise to the household.</summary>
    Dividend = 3,
}

/// <summary>Who a ledger row is paid to.</summary>
public enum PayeeKind
{
    Enterprise = 1,
    Household = 2,
    Lender = 3,
}

/// <summary>
/// Where a ledger row is on its way to payment. A row is written <see cref="Due"/>; a payment batch takes it
/// (<see cref="InBatch"/>) and, once the finance bureau has paid, marks it <see cref="Paid"/>. A paid row never
/// changes: a correction is a new row that names the row it corrects. An interest row of an overdue or defaulted loan is
/// <see cref="Held"/> (not payable: a batch takes only due rows) until the loan is repaid, when it is due again. A
/// dividend row is never in a batch (the enterprise pays it, not the county): it goes from due to paid when the
/// enterprise's payment is recorded.
/// </summary>
public enum SubsidyRowStatus
{
    Due = 1,
    InBatch = 2,
    Paid = 3,
    /// <summary>Suspended while the loan is overdue (the daily overdue watch); back to <see cref="Due"/> when it is repaid.</summary>
    Held = 4,
}
