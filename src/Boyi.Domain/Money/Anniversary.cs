namespace Boyi.Domain.Money;

/// <summary>
/// The n-th anniversary of a date, used for subsidy terms, dividends and loan maturities alike.
/// </summary>
/// <remarks>
/// The anniversary is the same month and day n years later; a 29 February has no such day in a common year, so its
/// anniversary there is 28 February, the last day of that month (the month-end rule of the Civil Code, art. 202).
/// Each anniversary is counted from the original date, never from the previous anniversary, so a loan disbursed on
/// 2016-02-29 has anniversaries 2017-02-28, 2018-02-28, 2019-02-28 and 2020-02-29.
/// </remarks>
public static class Anniversary
{
    public static DateOnly Of(DateOnly date, int years) => date.AddYears(years);
}
