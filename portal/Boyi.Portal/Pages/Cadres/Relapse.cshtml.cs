using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// A cadre records a relapse trigger (防返贫监测, docs/relapse.md) on one of their households: what happened (the kind),
/// a note and an amount in yuan (a bill, the income), dated the day it is recorded, as the server dates it. On a lifted
/// household it opens the household's watch (it becomes at risk, and the visit falls due within 7 days); on one at risk
/// already it is added to the open watch. The server decides whether the household is lifted and inside its five years,
/// and says what is wrong by the field.
/// </summary>
public sealed class RelapseModel(BoyiApi api, TimeProvider clock) : CadrePage(api)
{
    [BindProperty(SupportsGet = true)] public string Household { get; set; } = "";
    /// <summary>The trigger kind's number (empty: none chosen, and the server says it is required).</summary>
    [BindProperty] public string Kind { get; set; } = "";
    [BindProperty] public string Note { get; set; } = "";
    /// <summary>Yuan, optional.</summary>
    [BindProperty] public string Amount { get; set; } = "";
    /// <summary>The request id of this form, kept across a refused post, so a double submit records once.</summary>
    [BindProperty] public string RequestId { get; set; } = "";

    public Household? Target { get; private set; }
    public string VillageName { get; private set; } = "";
    /// <summary>The household's open watch, which a trigger is added to; null when it is not at risk yet.</summary>
    public RelapseWatch? OpenWatch { get; private set; }

    protected override DateOnly Today => Lang.ChinaToday(clock);
    /// <summary>The day the trigger will bear: the server dates it the day it is recorded (the visit's window opens then).</summary>
    public DateOnly RecordedOn => Today;

    public async Task<IActionResult> OnGetAsync()
    {
        if (Household.Length == 0)
            return Redirect("/cadre");
        if (!await LoadAsync())
            return NotFoundPage();
        RequestId = Guid.NewGuid().ToString();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
            return NotFoundPage();
        var kind = int.TryParse(Kind, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k)
            && Enum.IsDefined(typeof(RelapseTriggerKind), k) ? (RelapseTriggerKind)k : RelapseTriggerKind.Unspecified;
        long fen = 0;
        if (Amount.Trim().Length > 0 && ContactForm.Fen(Amount) is not { } parsed)
            Errors[nameof(Amount)] = Lang.T("金额应为元，最多两位小数，如 32000 或 12.50。", "Yuan with at most two decimals, e.g. 32000 or 12.50.");
        else
            fen = ContactForm.Fen(Amount) ?? 0;
        if (RequestId.Length == 0)
            RequestId = Guid.NewGuid().ToString();
        return await SubmitAsync(async () =>
        {
            var watch = (await Api.Relapse.RecordRelapseTriggerAsync(new RecordRelapseTriggerRequest
            {
                Parent = Household, RequestId = RequestId,
                Trigger = new RelapseTrigger { Kind = kind, Note = Note, AmountFen = fen },
            }, await AsAsync())).Watch;
            var due = watch.Triggers[^1].VisitDueDate;
            Tell(Lang.T($"已记录返贫风险。请在 {Lang.Date(due)} 前入户走访。", $"The relapse risk is recorded. Visit the household by {Lang.Date(due)}."));
            return Redirect("/cadre");
        }, field => field switch
        {
            "trigger.kind" => nameof(Kind),
            "trigger.note" => nameof(Note),
            "trigger.amount_fen" => nameof(Amount),
            _ => "",
        }, () => Task.CompletedTask);
    }

    /// <summary>The household as the server shows it to its cadre, and its open watch; false when the cadre does not reach it.</summary>
    private async Task<bool> LoadAsync()
    {
        if (await ReachableHouseholdAsync(Household) is not { } target)
            return false;
        Target = target;
        var o = await AsAsync();
        VillageName = (await Api.Registry.GetVillageAsync(new GetVillageRequest { Name = Target.Village }, o)).Village.DisplayName;
        OpenWatch = (await Api.Relapse.ListRelapseWatchesAsync(new ListRelapseWatchesRequest
        {
            Parent = Target.Village, State = RelapseWatchState.AtRisk, PageSize = 500,
        }, o)).Watches.FirstOrDefault(w => w.Household == Household);
        return true;
    }
}
