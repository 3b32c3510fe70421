using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// Proposes a linkage led by the signed-in enterprise: mode, villages, commitments, model and period, and for
/// many-helps-one the enterprises invited. The server checks everything; its answers are shown by field.
/// </summary>
public sealed class NewLinkageModel(BoyiApi api) : PartnerPage(api)
{
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
    /// <summary>Invited enterprises, by their number or `enterprises/{id}`, separated by commas, spaces or lines.</summary>
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Invited { get; set; } = "";

    public List<Village> Villages { get; } = [];
    public Dictionary<string, string> TownNames { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (Me is null)
            return NotAnEnterprise();
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (Me is null)
            return NotAnEnterprise();
        var funds = Fen(Funds, nameof(Funds));
        var jobs = Whole(JobsPledged, nameof(JobsPledged));
        var training = Whole(TrainingSessions, nameof(TrainingSessions));
        var start = Day(StartDate, nameof(StartDate));
        var end = Day(EndDate, nameof(EndDate));
        var invited = InvitedNames();
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
        linkage.Targets.AddRange(Targets.Where(t => t.Length > 0).Select(t => new LinkageTarget { Target = t }));
        if (Mode == LinkageMode.ManyHelpsOne)
            linkage.InvitedEnterprises.AddRange(invited);
        try
        {
            var created = (await Api.Linkages.ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = linkage, RequestId = Guid.NewGuid().ToString() },
                await AsMeAsync())).Linkage;
            Tell(Lang.T($"联结已提出，等待审批（{created.Name}）。", $"Linkage proposed; it awaits approval ({created.Name})."));
            return Redirect($"/{created.Name}");
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            ShowByField(e, FormField);
            await LoadAsync();
            return Page();
        }
    }

    /// <summary>`enterprises/{id}` for each number typed (the server checks each is an approved enterprise of the county).</summary>
    private List<string> InvitedNames()
    {
        var names = new List<string>();
        foreach (var part in Invited.Split([',', '，', ' ', '\n', '\r', '\t', ';', '；'], StringSplitOptions.RemoveEmptyEntries))
        {
            var id = part.StartsWith("enterprises/", StringComparison.Ordinal) ? part["enterprises/".Length..] : part;
            if (long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
                names.Add($"enterprises/{n}");
            else
                Errors[nameof(Invited)] = Lang.T($"“{part}”不是企业编号（如 enterprises/12 或 12）。", $"“{part}” is not an enterprise number (e.g. enterprises/12 or 12).");
        }
        return names;
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
        foreach (var t in await TownsAsync(o))
            TownNames[t.Name] = t.DisplayName;
        // Poor villages first (those the programme is for), then by town and name.
        Villages.AddRange((await VillagesAsync(o)).OrderByDescending(v => v.Poor).ThenBy(v => v.Town, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal));
    }
}
