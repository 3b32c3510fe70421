using Boyi.Domain.Duties;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// My households: one entry per household the cadre is paired with (however many pairings or duties it has), masked as
/// the server answers, with the last contact, what is open today, what the core lists as overdue, the open problems
/// and this year's plan items, and one call to action: the contact most needed now.
/// </summary>
public sealed class IndexModel(BoyiApi api, TimeProvider clock) : CadrePage(api)
{
    /// <summary>Overdue duties shown per household; the rest are counted.</summary>
    public const int OverdueShown = 3;

    public CadreDesk Desk { get; private set; } = null!;

    protected override DateOnly Today => Lang.ChinaToday(clock);

    /// <summary>The year whose help plans are shown.</summary>
    public int Year => Today.Year;

    public async Task<IActionResult> OnGetAsync()
    {
        Desk = await LoadDeskAsync(overdue: true);
        return Page();
    }

    /// <summary>A duty in words: met on a day, open until its deadline, or overdue by days.</summary>
    public static (string Css, string Text) State(DutyStatus? s) => s switch
    {
        null => ("text-muted", Lang.T("本期不计（结亲未满整月/季）", "not due (the pairing started during it)")),
        { State: DutyState.Met } => ("text-success", Lang.T($"已完成 {s.MetOn:yyyy-MM-dd}", $"done {s.MetOn:yyyy-MM-dd}")),
        { State: DutyState.Overdue } => ("text-danger", Lang.T($"逾期 {s.DaysLate} 天", $"{s.DaysLate} days overdue")),
        _ => ("text-warning-emphasis", Lang.T($"待完成，截止 {s.Duty.To:yyyy-MM-dd}", $"due by {s.Duty.To:yyyy-MM-dd}")),
    };

    /// <summary>The record form for a household, of a kind, naming an occasion when given.</summary>
    public static string RecordHref(DeskHousehold h, string kind, DutyOutlook.OpenOccasion? occasion = null) =>
        $"/cadre/record?household={Uri.EscapeDataString(h.Household.Name)}&kind={kind}" +
        (occasion is null ? "" : $"&occasion={Uri.EscapeDataString(occasion.Value)}");

    /// <summary>
    /// The household's one call to action, the contact most needed now: the open must-visit with the nearest deadline
    /// (naming it), else this quarter's visit, else this month's contact (a call will do), else a visit.
    /// </summary>
    public static (string Href, string Text) NextAction(DeskHousehold h) => h.Duties switch
    {
        { Next: { } next } => (RecordHref(h, "visit", next), Lang.T($"记走访：{next.Status.Duty.Label}", $"Record the visit: {next.Status.Duty.Label}")),
        { Quarter.State: not DutyState.Met } => (RecordHref(h, "visit"), Lang.T("记本季度走访", "Record this quarter's visit")),
        { Month.State: not DutyState.Met } => (RecordHref(h, "call"), Lang.T("记本月联系", "Record this month's contact")),
        _ => (RecordHref(h, "visit"), Lang.T("记录联系", "Record a contact")),
    };
}
