using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// Proposes a linkage led by the signed-in enterprise: mode, targets, commitments, model and period, and for
/// many-helps-one the enterprises invited. Targets are chosen a town at a time: its villages with their coverage
/// figures, and its households needing help as masked profiles; invited enterprises come from the county's directory
/// of approved partners. The server checks everything; its answers are shown by field.
/// </summary>
public sealed class NewLinkageModel(BoyiApi api) : PartnerPage(api)
{
    /// <summary>Most household profiles one town shows at once (the API's largest page).</summary>
    public const int MaxProfiles = 500;

    [BindProperty] public LinkageMode Mode { get; set; } = LinkageMode.OneHelpsOne;
    [BindProperty] public List<string> Targets { get; set; } = [];
    [BindProperty] public LinkageModel Model { get; set; } = LinkageModel.CompanyCooperativeBaseFarmer;
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string ModelNote { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Funds { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string JobsPledged { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string ProducePurchase { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string TrainingSessions { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string StartDate { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string EndDate { get; set; } = "";
    /// <summary>Invited enterprises (`enterprises/{id}`), ticked in the directory.</summary>
    [BindProperty] public List<string> Invited { get; set; } = [];
    /// <summary>The town whose villages and households are shown (`towns/{id}`); the enterprise's own by default.</summary>
    [BindProperty(SupportsGet = true), DisplayFormat(ConvertEmptyStringToNull = false)] public string Town { get; set; } = "";

    public List<Town> Towns { get; } = [];
    /// <summary>The chosen town's villages, poor ones first.</summary>
    public List<Village> Villages { get; } = [];
    /// <summary>Coverage of each village of the chosen town, by village name.</summary>
    public Dictionary<string, Coverage> Figures { get; } = [];
    /// <summary>Masked profiles of the chosen town's households needing help.</summary>
    public List<HouseholdProfile> Households { get; } = [];
    /// <summary>Whether the town has more households needing help than are shown.</summary>
    public bool MoreHouseholds { get; private set; }
    /// <summary>Every village of the county by name, for targets chosen in another town.</summary>
    public Dictionary<string, string> VillageNames { get; } = [];
    public Dictionary<string, string> TownNames { get; } = [];
    /// <summary>The county's approved enterprises but this one: whom it may invite.</summary>
    public List<PartnerEnterprise> Partners { get; } = [];

    /// <summary>Targets ticked in another town than the one shown, kept in the form.</summary>
    public IEnumerable<string> ChosenElsewhere => Targets.Where(t => t.Length > 0
        && !Villages.Any(v => v.Name == t) && !Households.Any(h => h.Name == t)).Distinct();

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    /// <summary>Shows another town's villages and households, keeping everything typed and ticked so far.</summary>
    public async Task<IActionResult> OnPostTownAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var funds = Fen(Funds, nameof(Funds));
        var jobs = Whole(JobsPledged, nameof(JobsPledged));
        var training = Whole(TrainingSessions, nameof(TrainingSessions));
        var start = Day(StartDate, nameof(StartDate));
        var end = Day(EndDate, nameof(EndDate));
        if (Errors.Count > 0)
        {
            Problem = Lang.T("填写的内容有误，请看各栏的提示。", "Some fields are not right; see the notes next to them.");
            await LoadAsync();
            return Page();
        }
        var linkage = new Linkage
        {
            LeadEnterprise = Me,
            Mode = Mode,
            Model = Model,
            ModelNote = ModelNote.Trim(),
            Commitments = new LinkageCommitments
            {
                FundsPledgedFen = funds!.Value, JobsPledged = jobs!.Value, ProducePurchase = ProducePurchase.Trim(), TrainingSessions = training!.Value,
            },
            StartDate = start,
            EndDate = end,
        };
        linkage.Targets.AddRange(Targets.Where(t => t.Length > 0).Distinct().Select(t => new LinkageTarget { Target = t }));
        if (Mode == LinkageMode.ManyHelpsOne)
            linkage.InvitedEnterprises.AddRange(Invited.Where(e => e.Length > 0).Distinct());
        try
        {
            var created = (await Api.Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = linkage, RequestId = Guid.NewGuid().ToString() },
                await AsMeAsync())).Linkage;
            Tell(Lang.T($"联结已提出，等待审批（{created.Name}）。", $"Linkage proposed; it awaits approval ({created.Name})."));
            return Redirect($"/{created.Name}");
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e, FormField);
            await LoadAsync();
            return Page();
        }
    }

    private static string FormField(string field) => field switch
    {
        "linkage.mode" => nameof(Mode),
        "linkage.model" => nameof(Model),
        "linkage.model_note" => nameof(ModelNote),
        "linkage.commitments.funds_pledged_fen" => nameof(Funds),
        "linkage.commitments.jobs_pledged" => nameof(JobsPledged),
        "linkage.commitments.produce_purchase" => nameof(ProducePurchase),
        "linkage.commitments.training_sessions" => nameof(TrainingSessions),
        "linkage.start_date" => nameof(StartDate),
        "linkage.end_date" => nameof(EndDate),
        _ when field.StartsWith("linkage.targets", StringComparison.Ordinal) => nameof(Targets),
        _ when field.StartsWith("linkage.invited_enterprises", StringComparison.Ordinal) => nameof(Invited),
        _ => "",
    };

    private async Task LoadAsync()
    {
        var o = await AsMeAsync();
        Towns.AddRange(await TownsAsync(o));
        foreach (var t in Towns)
            TownNames[t.Name] = t.DisplayName;
        var villages = await VillagesAsync(o);
        foreach (var v in villages)
            VillageNames[v.Name] = v.DisplayName;
        if (!TownNames.ContainsKey(Town))
        {
            var own = (await Api.Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = Me }, o)).Enterprise.Town;
            Town = TownNames.ContainsKey(own) ? own : Towns.FirstOrDefault()?.Name ?? "";
        }
        if (Town.Length > 0)
        {
            // Poor villages first (those the programme is for), then by name.
            Villages.AddRange(villages.Where(v => v.Town == Town).OrderByDescending(v => v.Poor).ThenBy(v => v.Name, StringComparer.Ordinal));
            var coverage = await Api.Pairing.GetCoverageAsync(new GetCoverageRequest { Scope = Town }, o);
            foreach (var c in coverage.Breakdown)
                Figures[c.Scope] = c;
            var profiles = await Api.Households.ListHouseholdProfilesAsync(new ListHouseholdProfilesRequest { Parent = Town, PageSize = MaxProfiles }, o);
            Households.AddRange(profiles.HouseholdProfiles);
            MoreHouseholds = profiles.NextPageToken.Length > 0;
        }
        Partners.AddRange((await Api.AllPartnerEnterprisesAsync(User.County()!, o)).Where(e => e.Name != Me).OrderBy(e => e.DisplayName, StringComparer.Ordinal));
    }

    /// <summary>How a target chosen in another town is labelled: the village's name, or the household's number.</summary>
    public string Label(string target) => VillageNames.TryGetValue(target, out var name) ? name : target;
}
