using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// The exit checklist (八有一超) of the cadre's paired households, phone first: without a household, the households
/// the cadre is paired with now and where each one's exit stands; with one, its assessment: the nine indicators with
/// met, evidence and assessor, the year whose income is assessed and the income (the registry's, or entered). The cadre
/// creates it, and changes it until the town confirms it; after that the page only shows it. The server decides
/// who reaches which household and what may change.
/// </summary>
public sealed class ExitModel(BoyiApi api, TimeProvider clock) : CadrePage(api)
{
    [BindProperty(SupportsGet = true)] public string Household { get; set; } = "";
    [BindProperty] public ExitChecklistForm Form { get; set; } = new();

    /// <summary>The cadre's paired households with their latest assessment (none yet: null), when no household is asked.</summary>
    public List<(Household Household, HouseholdExitAssessment? Assessment)> Mine { get; } = [];
    public Dictionary<string, string> Villages { get; } = new(StringComparer.Ordinal);

    public Household? Target { get; private set; }
    public HouseholdExitAssessment? Assessment { get; private set; }

    protected override DateOnly Today => Lang.ChinaToday(clock);

    /// <summary>The years with an income line, latest first: the ones an assessment can name.</summary>
    public static IEnumerable<int> Years => Boyi.Domain.Exits.IncomeLines.ByYear.Keys.Where(y => y >= Boyi.Domain.Registry.HouseholdRules.FirstLiftedYear).OrderDescending();

    /// <summary>The year offered first: last year when it has a line, else the latest line's.</summary>
    public int DefaultYear => Boyi.Domain.Exits.IncomeLines.For(Today.Year - 1) is null ? Years.First() : Today.Year - 1;

    /// <summary>The assessment still changes (none yet, or the town has not confirmed it).</summary>
    public bool Editable => Assessment is null or { State: ExitState.Assessing };

    public async Task<IActionResult> OnGetAsync()
    {
        if (Household.Length == 0)
        {
            await LoadMineAsync();
            return Page();
        }
        if (!await LoadAsync())
            return NotFoundPage();
        Form = ExitChecklistForm.Of(Assessment, DefaultYear);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!await LoadAsync())
            return NotFoundPage();
        Form.Rows = [.. ExitChecklistForm.HouseholdIndicators.Select((i, n) => Form.Rows.ElementAtOrDefault(n) is { } r && r.Indicator == (int)i ? r : new ExitChecklistForm.Row { Indicator = (int)i })];
        if (Form.RequestId.Length == 0)
            Form.RequestId = Guid.NewGuid().ToString();
        var input = Form.ToHousehold(Assessment?.Name ?? "", Household, Errors);
        return await SubmitAsync(async () =>
        {
            var o = await AsAsync();
            var saved = Assessment is null
                ? (await Api.Exits.CreateHouseholdExitAssessmentAsync(new CreateHouseholdExitAssessmentRequest { Assessment = input, RequestId = Form.RequestId }, o)).Assessment
                : (await Api.Exits.UpdateHouseholdExitAssessmentAsync(new UpdateHouseholdExitAssessmentRequest { Assessment = input, RequestId = Form.RequestId }, o)).Assessment;
            Tell(Lang.T("脱贫评估已保存，待乡镇确认。", "The exit assessment is saved; it awaits the town."));
            return Redirect($"/cadre/exit?household={Uri.EscapeDataString(saved.Household)}");
        }, ExitChecklistForm.FieldOf, () => Task.CompletedTask);
    }

    /// <summary>The household (as the server shows it to its cadre) and its latest assessment; false when the cadre does not reach it.</summary>
    private async Task<bool> LoadAsync()
    {
        if (await ReachableHouseholdAsync(Household) is not { } target)
            return false;
        Target = target;
        var o = await AsAsync();
        Villages[Target.Village] = (await Api.Registry.GetVillageAsync(new GetVillageRequest { Name = Target.Village }, o)).Village.DisplayName;
        Assessment = (await LatestAsync([Target], o)).GetValueOrDefault(Target.Name);
        return true;
    }

    private async Task LoadMineAsync()
    {
        var o = await AsAsync();
        var pairings = await BoyiApi.AllAsync<Pairing>(async token => (await Api.Pairing.ListPairingsAsync(new ListPairingsRequest
        {
            Parent = Me, Filter = "state = ACTIVE", PageSize = 100, PageToken = token,
        }, o)) is var r ? (r.Pairings, r.NextPageToken) : default);
        var households = new List<Household>();
        foreach (var name in pairings.Select(p => p.Household).Distinct(StringComparer.Ordinal))
            households.Add((await Api.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = name }, o)).Household);
        var latest = await LatestAsync(households, o);
        // Poor households first (the ones to assess), then those lifted.
        foreach (var h in households.OrderBy(h => h.Status != HouseholdStatus.Poor).ThenBy(h => h.Name, StringComparer.Ordinal))
            Mine.Add((h, latest.GetValueOrDefault(h.Name)));
        foreach (var v in households.Select(h => h.Village).Distinct(StringComparer.Ordinal))
            Villages[v] = (await Api.Registry.GetVillageAsync(new GetVillageRequest { Name = v }, o)).Village.DisplayName;
    }

    /// <summary>The latest assessment of each household: one listing per village (the cadre reaches their own households' only).</summary>
    private async Task<Dictionary<string, HouseholdExitAssessment>> LatestAsync(IReadOnlyCollection<Household> households, CallOptions o)
    {
        var wanted = households.Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var latest = new Dictionary<string, HouseholdExitAssessment>(StringComparer.Ordinal);
        foreach (var village in households.Select(h => h.Village).Distinct(StringComparer.Ordinal))
        {
            var all = await BoyiApi.AllAsync<HouseholdExitAssessment>(async token => (await Api.Exits.ListHouseholdExitAssessmentsAsync(new ListHouseholdExitAssessmentsRequest
            {
                Parent = village, PageSize = 500, PageToken = token,
            }, o)) is var r ? (r.Assessments, r.NextPageToken) : default);
            // Oldest first: the last one of a household is its latest.
            foreach (var a in all.Where(a => wanted.Contains(a.Household)))
                latest[a.Household] = a;
        }
        return latest;
    }

    public ExitChecklistView Checklist => new(Form, this, i => Names.Of((HouseholdExitIndicator)i), (int)HouseholdExitIndicator.IncomeAboveLine,
        Lang.T("由系统按收入和当年扶贫标准计算；请填写收入的佐证和评估人。", "Computed from the income and the year's line; give the income's evidence and assessor."));
}
