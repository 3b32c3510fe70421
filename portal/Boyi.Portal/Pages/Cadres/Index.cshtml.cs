using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>My households: the households the cadre is paired with, masked as the server answers, with the last contact and what is due.</summary>
public sealed class IndexModel(BoyiApi api, TimeProvider clock) : CadrePage(api)
{
    public CadreDesk Desk { get; private set; } = null!;

    protected override DateOnly Today => Lang.ChinaToday(clock);

    public async Task<IActionResult> OnGetAsync()
    {
        Desk = await LoadDeskAsync();
        return Page();
    }

    /// <summary>A duty in words: met on a day, open until its deadline, or overdue by days.</summary>
    public static (string Css, string Text) State(Boyi.Domain.Duties.DutyStatus? s) => s switch
    {
        null => ("text-muted", Lang.T("本期不计（结亲未满整月/季）", "not due (the pairing started during it)")),
        { State: Boyi.Domain.Duties.DutyState.Met } => ("text-success", Lang.T($"已完成 {s.MetOn:yyyy-MM-dd}", $"done {s.MetOn:yyyy-MM-dd}")),
        { State: Boyi.Domain.Duties.DutyState.Overdue } => ("text-danger", Lang.T($"逾期 {s.DaysLate} 天", $"{s.DaysLate} days overdue")),
        _ => ("text-warning-emphasis", Lang.T($"待完成，截止 {s.Duty.To:yyyy-MM-dd}", $"due by {s.Duty.To:yyyy-MM-dd}")),
    };
}
