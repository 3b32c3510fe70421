namespace Boyi.Domain.Money;

/// <summary>Something owed on a date: a principal repayment, a period's interest or a dividend.</summary>
/// <param name="GraceDays">Days after the due date still on time (the scheme's).</param>
/// <param name="PaidOn">The day its payment was recorded in full; null while unpaid.</param>
public readonly record struct Obligation(DateOnly DueDate, int GraceDays, DateOnly? PaidOn)
{
    /// <summary>The last day a payment is on time: the due date plus the grace days.</summary>
    public DateOnly LastOnTimeDay => DueDate.AddDays(GraceDays);
}

/// <summary>
/// Overdue and default. An obligation not paid by its last on-time day is overdue from the next day on, until the
/// day its payment is recorded (that day it is no longer overdue): due 2026-06-20 with no grace and unpaid, it is 1
/// day overdue on 2026-06-21 and 90 days overdue on 2026-09-18. A loan is defaulted from the first day any of its
/// obligations has been overdue for the scheme's number of days (90): that day is its default date.
/// </summary>
public static class Overdue
{
    public static bool IsOverdue(Obligation o, DateOnly on) => DaysOverdue(o, on) > 0;

    /// <summary>How many days overdue <paramref name="o"/> is on <paramref name="on"/>; 0 when it is not.</summary>
    public static int DaysOverdue(Obligation o, DateOnly on)
    {
        if (on <= o.LastOnTimeDay || o.PaidOn <= on)
            return 0;
        return on.DayNumber - o.LastOnTimeDay.DayNumber;
    }

    /// <summary>
    /// The default date of a loan as known on <paramref name="asOf"/>: the earliest day, not after
    /// <paramref name="asOf"/>, on which one of its obligations was <paramref name="defaultAfterDaysOverdue"/> days
    /// overdue; null when none was. An obligation paid on or before that day does not default the loan.
    /// </summary>
    public static DateOnly? DefaultDate(IEnumerable<Obligation> obligations, int defaultAfterDaysOverdue, DateOnly asOf)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(defaultAfterDaysOverdue);
        DateOnly? earliest = null;
        foreach (var o in obligations)
        {
            var day = o.LastOnTimeDay.AddDays(defaultAfterDaysOverdue);
            if (day <= asOf && DaysOverdue(o, day) >= defaultAfterDaysOverdue && (earliest is null || day < earliest))
                earliest = day;
        }
        return earliest;
    }
}
