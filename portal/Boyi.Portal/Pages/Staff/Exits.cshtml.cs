using System.Globalization;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// Exits from poverty (docs/exits.md) for county and town staff, read by auditors: a year's targets against the exits the
/// county confirmed, by town and by month (ECharts), with the form in which county administrators set the year's
/// targets of the county and its towns; and the two confirmation queues of household and village assessments —
/// ASSESSING awaits the town (its officers confirm), TOWN_CONFIRMED the county (its administrators confirm) — each with
/// its indicators, evidence and assessor and a confirm button that sends the etag of what was shown. A refusal is shown
/// by the assessment's indicators. The server decides everything for the signed-in person.
/// </summary>
public sealed class ExitsModel(BoyiApi api, TimeProvider clock) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    private const int QueueSize = 20;

    public DateOnly Today { get; } = Lang.ChinaToday(clock);

    [BindProperty(SupportsGet = true, Name = "year")] public int Year { get; set; }
    /// <summary>Page tokens of the four queues.</summary>
    [BindProperty(SupportsGet = true, Name = "ht")] public string? HouseholdTownPage { get; set; }
    [BindProperty(SupportsGet = true, Name = "hc")] public string? HouseholdCountyPage { get; set; }
    [BindProperty(SupportsGet = true, Name = "vt")] public string? VillageTownPage { get; set; }
    [BindProperty(SupportsGet = true, Name = "vc")] public string? VillageCountyPage { get; set; }

    [BindProperty] public List<TargetRow> Targets { get; set; } = [];

    public GetExitProgressResponse? Progress { get; private set; }
    public ListHouseholdExitAssessmentsResponse? HouseholdsForTown { get; private set; }
    public ListHouseholdExitAssessmentsResponse? HouseholdsForCounty { get; private set; }
    public ListVillageExitAssessmentsResponse? VillagesForTown { get; private set; }
    public ListVillageExitAssessmentsResponse? VillagesForCounty { get; private set; }
    /// <summary>The households of the queues as the server shows them (head name, masked as it decides).</summary>
    public Dictionary<string, Household> Households { get; } = new(StringComparer.Ordinal);

    /// <summary>The assessment whose confirmation was refused, and what to say by each of its indicators (by key; "" for the rest).</summary>
    public string? Refused { get; private set; }
    public Dictionary<string, string> RefusalByIndicator { get; private set; } = [];

    public bool CanSetTargets => User.IsCountyAdmin();
    /// <summary>The step the signed-in person confirms: the town's for a town officer, the county's for a county administrator.</summary>
    public bool ConfirmsForTown => User.IsTownOfficer() && !ReadOnly;
    public bool ConfirmsForCounty => User.IsCountyAdmin() && !ReadOnly;

    /// <summary>A year's target of an area as the form shows it; <see cref="Was"/> tells whether it changed.</summary>
    public sealed class TargetRow
    {
        public string Area { get; set; } = "";
        public string People { get; set; } = "";
        public string Households { get; set; } = "";
        public string Villages { get; set; } = "";
        public string Etag { get; set; } = "";
        public string Was { get; set; } = "";
        public string Values => $"{People.Trim()}|{Households.Trim()}|{Villages.Trim()}";
    }

    /// <summary>The years offered: from five years back to next year.</summary>
    public IEnumerable<int> Years => Enumerable.Range(Today.Year - 5, 7).Reverse();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync(fillTargets: true);
        return Page();
    }

    public Task<IActionResult> OnPostConfirmHouseholdAsync(string name, string etag) =>
        ConfirmAsync(name, async o => (await Api.Exits.ConfirmHouseholdExitAsync(new ConfirmHouseholdExitRequest { Name = name, Etag = etag, RequestId = Guid.NewGuid().ToString() }, o)).Assessment.State,
            key => Names.Of(ExitChecklistForm.HouseholdIndicators.FirstOrDefault(i => ExitChecklistForm.Key(i) == key)));

    public Task<IActionResult> OnPostConfirmVillageAsync(string name, string etag) =>
        ConfirmAsync(name, async o => (await Api.Exits.ConfirmVillageExitAsync(new ConfirmVillageExitRequest { Name = name, Etag = etag, RequestId = Guid.NewGuid().ToString() }, o)).Assessment.State,
            key => Names.Of(ExitChecklistForm.VillageIndicators.FirstOrDefault(i => ExitChecklistForm.Key(i) == key)));

    private async Task<IActionResult> ConfirmAsync(string name, Func<CallOptions, Task<ExitState>> confirm, Func<string, string> indicatorName)
    {
        try
        {
            var state = await confirm(await AsAsync());
            Tell(state == ExitState.CountyConfirmed
                ? Lang.T("县级确认完成：已脱贫（出列）。", "Confirmed by the county: the exit is recorded.")
                : Lang.T("乡镇确认完成，待县确认。", "Confirmed by the town; it awaits the county."));
            return Redirect(Q());
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Refused = name;
            (Problem, RefusalByIndicator) = ExitChecklistForm.Refusal(e, indicatorName);
        }
        await LoadAsync(fillTargets: true);
        return Page();
    }

    /// <summary>Sets the targets that changed (county administrators), one call each; refusals shown by their row.</summary>
    public async Task<IActionResult> OnPostTargetsAsync()
    {
        var o = await AsAsync();
        var changed = 0;
        for (var i = 0; i < Targets.Count; i++)
        {
            var t = Targets[i];
            if (t.Values == t.Was)
                continue;
            int? Number(string text, string field)
            {
                if (int.TryParse(text.Trim().Length == 0 ? "0" : text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    return n;
                Errors[$"Targets[{i}].{field}"] = Lang.T("应为整数。", "A whole number.");
                return null;
            }
            var (people, households, villages) = (Number(t.People, "People"), Number(t.Households, "Households"), Number(t.Villages, "Villages"));
            if (people is null || households is null || villages is null)
                continue;
            try
            {
                await Api.Exits.UpdateExitTargetAsync(new UpdateExitTargetRequest
                {
                    Target = new ExitTarget { Name = $"{t.Area}/exitTargets/{Year}", People = people.Value, Households = households.Value, Villages = villages.Value, Etag = t.Etag },
                    RequestId = Guid.NewGuid().ToString(),
                }, o);
                changed++;
            }
            catch (RpcException e) when (IsForThePerson(e))
            {
                var row = i;
                Show(e, f => f switch
                {
                    "target.people" => $"Targets[{row}].People",
                    "target.households" => $"Targets[{row}].Households",
                    "target.villages" => $"Targets[{row}].Villages",
                    _ => $"Targets[{row}]",
                });
            }
        }
        if (Errors.Count == 0 && Problem is null)
        {
            Tell(Lang.T($"已保存 {changed} 项目标。", $"{changed} target(s) saved."));
            return Redirect(Q());
        }
        Problem ??= Messages.ForReason("INVALID_ARGUMENT");
        await LoadAsync(fillTargets: false);
        return Page();
    }

    private async Task LoadAsync(bool fillTargets)
    {
        if (!Years.Contains(Year))
            Year = Today.Year;
        var o = await AsAsync();
        var area = User.StaffArea()!;
        try
        {
            await LoadPlacesAsync();
            Progress = await Api.Exits.GetExitProgressAsync(new GetExitProgressRequest { Parent = area, Year = Year }, o);
            if (fillTargets)
                Targets = [.. new[] { Progress.Total }.Concat(Progress.Towns).Select(p => new TargetRow
                {
                    Area = p.Area, People = $"{p.Target?.People ?? 0}", Households = $"{p.Target?.Households ?? 0}", Villages = $"{p.Target?.Villages ?? 0}",
                    Etag = p.Target?.Etag ?? "",
                }).Select(r => { r.Was = r.Values; return r; })];
            HouseholdsForTown = await HouseholdQueueAsync(area, ExitState.Assessing, HouseholdTownPage, o);
            HouseholdsForCounty = await HouseholdQueueAsync(area, ExitState.TownConfirmed, HouseholdCountyPage, o);
            VillagesForTown = await Api.Exits.ListVillageExitAssessmentsAsync(new ListVillageExitAssessmentsRequest
            {
                Parent = area, State = ExitState.Assessing, PageSize = QueueSize, PageToken = VillageTownPage ?? "",
            }, o);
            VillagesForCounty = await Api.Exits.ListVillageExitAssessmentsAsync(new ListVillageExitAssessmentsRequest
            {
                Parent = area, State = ExitState.TownConfirmed, PageSize = QueueSize, PageToken = VillageCountyPage ?? "",
            }, o);
            foreach (var h in HouseholdsForTown.Assessments.Concat(HouseholdsForCounty.Assessments).Select(a => a.Household).Distinct(StringComparer.Ordinal))
                Households[h] = (await Api.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = h }, o)).Household;
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem ??= Messages.For(e);
        }
    }

    private async Task<ListHouseholdExitAssessmentsResponse> HouseholdQueueAsync(string area, ExitState state, string? page, CallOptions o) =>
        await Api.Exits.ListHouseholdExitAssessmentsAsync(new ListHouseholdExitAssessmentsRequest { Parent = area, State = state, PageSize = QueueSize, PageToken = page ?? "" }, o);

    /// <summary>This page's address with the year and queue pages kept and the given parameters changed.</summary>
    public string Q(params (string Key, string? Value)[] changes)
    {
        var values = new Dictionary<string, string?>
        {
            ["year"] = Year.ToString(CultureInfo.InvariantCulture), ["ht"] = HouseholdTownPage, ["hc"] = HouseholdCountyPage, ["vt"] = VillageTownPage, ["vc"] = VillageCountyPage,
        };
        foreach (var (k, v) in changes)
            values[k] = v;
        return "/staff/exits?" + string.Join("&", values.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
    }

    /// <summary>The areas of the by-town chart: the county's towns (a town officer's answer has only their town, as the total).</summary>
    public IReadOnlyList<ExitProgress> ByTown => Progress is null ? [] : Progress.Towns.Count > 0 ? Progress.Towns : [Progress.Total];

    /// <summary>A running total over the months (what the year has reached by the end of each month).</summary>
    public static IEnumerable<decimal> Cumulative(IEnumerable<int> monthly)
    {
        var sum = 0;
        foreach (var m in monthly)
            yield return sum += m;
    }

    /// <summary>What the page says by an indicator of the refused assessment.</summary>
    public string RefusalOf(string assessment, Enum indicator) =>
        Refused == assessment && RefusalByIndicator.TryGetValue(ExitChecklistForm.Key(indicator), out var text) ? text : "";
}
