using Boyi.Domain.Errors;
using Boyi.Domain.Money;

namespace Boyi.Domain.VillageIndustry;

/// <summary>What a cadre stationed in a village is (the proto's VillageAssignmentRole, same numbers).</summary>
public enum AssignmentRole : short
{
    /// <summary>第一书记: at most one per village at a time.</summary>
    FirstSecretary = 1,
    /// <summary>工作队员: a member of the work team.</summary>
    WorkTeamMember = 2,
}

/// <summary>One lease year of a land transfer contract: its days, the day its rent falls due and the rent.</summary>
public sealed record LeaseYear(int Number, DateOnly From, DateOnly To, DateOnly DueDate, long AmountFen);

/// <summary>
/// Village industry (DOMAIN.md "Village industry"; docs/industry.md): stationed cadres, cooperatives, land transfer
/// contracts (流转) and their rent, base employment. Areas are in hundredths of a mu (两位小数), money in fen.
/// </summary>
public static class IndustryRules
{
    public const int MaxTermYears = 30;
    public const long MaxAreaHundredths = 10_000_000;        // 100,000 mu
    public const long MaxRentFenPerMu = 1_000_000;           // 10,000 yuan per mu and year
    public const int OverdueGraceDays = 30;
    public const int MaxDays = 366;
    public const long MaxWagesFen = 100_000_000;

    /// <summary>Whether two assignments' days meet (an open end runs on for ever).</summary>
    public static bool Overlaps(DateOnly fromA, DateOnly? toA, DateOnly fromB, DateOnly? toB) =>
        fromA <= (toB ?? DateOnly.MaxValue) && fromB <= (toA ?? DateOnly.MaxValue);

    /// <summary>Throws unless an assignment's end (when given) is on or after its start.</summary>
    public static void RequireAssignmentDates(DateOnly start, DateOnly? end)
    {
        if (end is { } e && e < start)
            throw DomainException.Invalid("assignment.end_date", "PERIOD_INVALID", "cannot be before the start date");
    }

    /// <summary>The contract's last day: the day before the term's anniversary, or the agreed earlier end.</summary>
    public static DateOnly LastDay(DateOnly start, int termYears, DateOnly? endDate) =>
        endDate ?? start.AddYears(termYears).AddDays(-1);

    /// <summary>
    /// Checks a land contract's terms: term of 1–30 whole years, an area and a rent above zero, an agreed end (when
    /// given, e.g. the end of the second-round land contract period) inside the term, and a start not before the
    /// cooperative was founded. Violations name the request's fields.
    /// </summary>
    public static void CheckContract(DateOnly start, int termYears, DateOnly? endDate, long areaHundredths, long rentFenPerMu, DateOnly founded)
    {
        var v = new Violations();
        if (termYears is < 1 or > MaxTermYears)
            v.Add("contract.term_years", "TERM_INVALID", $"must be 1 to {MaxTermYears} whole years");
        else if (endDate is { } end && (end < start || end > start.AddYears(termYears).AddDays(-1)))
            v.Add("contract.end_date", "TERM_INVALID", "must fall inside the term (on or after the start, before the term's end)");
        if (areaHundredths is <= 0 or > MaxAreaHundredths)
            v.Add("contract.area_hundredths_mu", "OUT_OF_RANGE", "must be 0.01 to 100,000 mu");
        if (rentFenPerMu is <= 0 or > MaxRentFenPerMu)
            v.Add("contract.rent_fen_per_mu", "OUT_OF_RANGE", "must be 1 fen to 10,000 yuan per mu and year");
        if (start < founded)
            v.Add("contract.start_date", "BEFORE_FOUNDED", $"cannot be before the cooperative was founded ({founded:yyyy-MM-dd})");
        v.ThrowIfAny();
    }

    /// <summary>A full lease year's rent: area × rent per mu, rounded half up to the fen.</summary>
    public static long YearlyRentFen(long areaHundredths, long rentFenPerMu) => Exact.RoundHalfUp((Int128)areaHundredths * rentFenPerMu, 100);

    /// <summary>
    /// The lease years of a contract: counted from its start (a lease starting 15 July runs its years 15 July to 14
    /// July); each year's rent falls due on its first day. A last year cut short by an agreed end pays the part of the
    /// year's rent its days make of that lease year's days (365 or 366: a lease year holding 29 February has 366),
    /// rounded half up to the fen.
    /// </summary>
    public static IReadOnlyList<LeaseYear> Schedule(DateOnly start, int termYears, DateOnly? endDate, long areaHundredths, long rentFenPerMu)
    {
        var last = LastDay(start, termYears, endDate);
        var yearly = YearlyRentFen(areaHundredths, rentFenPerMu);
        var years = new List<LeaseYear>();
        for (var n = 1; n <= termYears; n++)
        {
            var from = start.AddYears(n - 1);
            if (from > last)
                break;
            var fullTo = start.AddYears(n).AddDays(-1);
            var to = fullTo < last ? fullTo : last;
            var days = to.DayNumber - from.DayNumber + 1;
            var fullDays = fullTo.DayNumber - from.DayNumber + 1;
            var amount = to == fullTo ? yearly : Exact.RoundHalfUp((Int128)yearly * days, fullDays);
            years.Add(new LeaseYear(n, from, to, from, amount));
        }
        return years;
    }

    /// <summary>The lease years whose rent has fallen due by <paramref name="day"/>.</summary>
    public static IEnumerable<LeaseYear> DueBy(IReadOnlyList<LeaseYear> schedule, DateOnly day) => schedule.Where(y => y.DueDate <= day);

    /// <summary>A due not paid in full is overdue from the day after its 30 days of grace.</summary>
    public static bool IsOverdue(DateOnly dueDate, long amountFen, long paidFen, DateOnly day) =>
        paidFen < amountFen && day > dueDate.AddDays(OverdueGraceDays);

    /// <summary>The first day a due unpaid is overdue.</summary>
    public static DateOnly OverdueFrom(DateOnly dueDate) => dueDate.AddDays(OverdueGraceDays + 1);

    /// <summary>Throws unless a payment fits what is still owed on the due.</summary>
    public static void RequirePayment(long amountFen, long paidFen, long paymentFen)
    {
        if (paymentFen <= 0)
            throw DomainException.Invalid("amount_fen", "OUT_OF_RANGE", "must be above zero");
        if (paidFen + paymentFen > amountFen)
            throw DomainException.Precondition("RENT_OVERPAID",
                $"The due is {amountFen} fen of which {paidFen} is paid: {paymentFen} more would pay more than is due.",
                new Dictionary<string, string> { ["owed_fen"] = $"{amountFen - paidFen}" });
    }

    /// <summary>Checks a period of work at the base: from ≤ to, days within the period's days, wages not negative.</summary>
    public static void CheckEmployment(DateOnly from, DateOnly to, int days, long wagesFen)
    {
        var v = new Violations();
        if (to < from)
            v.Add("employment.period_end", "PERIOD_INVALID", "cannot be before the period's start");
        else if (days < 1 || days > to.DayNumber - from.DayNumber + 1)
            v.Add("employment.days", "PERIOD_INVALID", "must be 1 to the number of days in the period");
        if (wagesFen is < 0 or > MaxWagesFen)
            v.Add("employment.wages_fen", "OUT_OF_RANGE", "must be 0 to 1,000,000 yuan");
        v.ThrowIfAny();
    }
}
