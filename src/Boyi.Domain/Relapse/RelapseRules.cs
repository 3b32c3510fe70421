using Boyi.Domain.Errors;
using Boyi.Domain.Exits;
using Boyi.Domain.Registry;

namespace Boyi.Domain.Relapse;

/// <summary>What puts a lifted household at risk of relapse (the proto's RelapseTriggerKind, same numbers).</summary>
public enum RelapseTriggerKind : short
{
    IncomeBelowLine = 1,
    MedicalBill = 2,
    Disaster = 3,
    MainEarnerLost = 4,
    WorkLost = 5,
    Other = 6,
}

/// <summary>Where a watch stands: open (the household at risk) or closed one of two ways.</summary>
public enum RelapseWatchState : short
{
    AtRisk = 1,
    Cleared = 2,
    Returned = 3,
}

/// <summary>One entry of a household's status history as the watch reads it: from, to, the lifted year then, the China date.</summary>
public sealed record StatusEntry(HouseholdStatus? From, HouseholdStatus To, int? LiftedYear, DateOnly Date);

/// <summary>
/// The relapse watch (防返贫监测, DOMAIN.md "Targets, exit checks and relapse watch"; docs/relapse.md): a household is
/// watched for five years from the day it was lifted, the day before the fifth anniversary of that day being the last;
/// a trigger flags it at risk inside that window only.
/// </summary>
public static class RelapseRules
{
    public const int WatchYears = 5;
    public const int MaxNoteChars = 500;
    public const int MaxTakenByChars = 64;
    public const long MaxAmountFen = 100_000_000_000;
    public const long MaxLineFen = 100_000_000;

    /// <summary>
    /// The default monitoring line: 1.5 × the national income line of the year (国务院扶贫办 2020: households under about
    /// 1.5 times the poverty line are monitored), the 2020 line's for later years (no national line is published after it).
    /// </summary>
    public static long DefaultLineFen(int year) =>
        (IncomeLines.For(year) ?? IncomeLines.For(Math.Min(year, 2020)) ?? IncomeLines.ByYear.Values.Min()) * 3 / 2;

    /// <summary>
    /// The day the household was lifted, as its status history has it: the latest change to lifted that was a lifting
    /// (from poor, not a cleared risk, which keeps the lifting it followed). A household registered already lifted (or at risk) has
    /// no day of lifting, only its year: the year's last day is taken (the latest the lifting can have been, so the
    /// watch errs towards watching). Null when the history holds no lifting.
    /// </summary>
    public static DateOnly? LiftedDate(IEnumerable<StatusEntry> history)
    {
        StatusEntry? lifting = null;
        foreach (var e in history)
        {
            // Registered at risk already (no entry before): lifted in its lifted year too.
            if (e.To == HouseholdStatus.Lifted && e.From != HouseholdStatus.AtRiskOfRelapse || e is { From: null, To: HouseholdStatus.AtRiskOfRelapse })
                lifting = e;
            else if (e.To == HouseholdStatus.Poor)
                lifting = null;   // back in poverty: a later lifting starts a new watch
        }
        return lifting switch
        {
            null => null,
            { From: null, LiftedYear: { } year } => new DateOnly(year, 12, 31),
            { From: null } => null,
            _ => lifting.Date,
        };
    }

    /// <summary>The last day watched: the day before the fifth anniversary of the lifting (29 February's is 28 February's).</summary>
    public static DateOnly WatchedUntil(DateOnly lifted) => lifted.AddYears(WatchYears).AddDays(-1);

    public static bool IsWatched(DateOnly lifted, DateOnly day) => lifted <= day && day <= WatchedUntil(lifted);

    /// <summary>
    /// Throws unless a trigger may be recorded on a household of <paramref name="status"/> on <paramref name="today"/>:
    /// lifted (or at risk already, which adds to its open watch) and inside its five years. Answers the lifting day.
    /// </summary>
    public static DateOnly RequireWatched(HouseholdStatus status, DateOnly? lifted, DateOnly today)
    {
        if (status == HouseholdStatus.Poor || lifted is null)
            throw DomainException.Precondition("HOUSEHOLD_NOT_LIFTED", "Only a household lifted out of poverty is watched for relapse; this one is poor.");
        if (!IsWatched(lifted.Value, today))
            throw DomainException.Precondition("RELAPSE_WATCH_ENDED",
                $"The household was lifted on {lifted:yyyy-MM-dd}: its five years of relapse watch ended on {WatchedUntil(lifted.Value):yyyy-MM-dd}.",
                new Dictionary<string, string> { ["lifted_date"] = $"{lifted:yyyy-MM-dd}", ["watched_until"] = $"{WatchedUntil(lifted.Value):yyyy-MM-dd}" });
        return lifted.Value;
    }

    /// <summary>Income under the line (equal is not under: the exit test was "above", the monitoring one "under").</summary>
    public static bool IncomeUnder(long incomeFen, long lineFen) => incomeFen < lineFen;

    /// <summary>Days a watch has been open on <paramref name="day"/> (0 on its first day).</summary>
    public static int DaysOpen(DateOnly opened, DateOnly day) => Math.Max(0, day.DayNumber - opened.DayNumber);

    /// <summary>Throws unless the watch is open: measures, clearing and returning are for an open one.</summary>
    public static void RequireOpen(RelapseWatchState state)
    {
        if (state != RelapseWatchState.AtRisk)
            throw DomainException.Precondition("RELAPSE_WATCH_CLOSED", $"The watch is closed ({state}): a new trigger opens a new one.");
    }

    /// <summary>A required text (a clearing note, a reason, a measure), trimmed; its length is the field rules' to check.</summary>
    public static string RequireText(string? text, string field)
    {
        var t = text?.Trim() ?? "";
        if (t.Length == 0)
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        return t;
    }
}
