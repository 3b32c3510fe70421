using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// One job of the enterprise: its candidates as the server shows them (masked until placed), the placements with
/// names once agreed, recording a placement and ending one.
/// </summary>
public sealed class JobModel(BoyiApi api) : PartnerPage(api)
{
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Member { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string StartDate { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Wage { get; set; } = "";

    public Job? Job { get; private set; }
    public List<JobCandidate> Candidates { get; } = [];
    public List<Placement> Placements { get; } = [];
    public Dictionary<string, string> PlaceNames { get; } = [];

    public string PlaceName(string name) => PlaceNames.GetValueOrDefault(name) ?? name;

    public async Task<IActionResult> OnGetAsync(long id)
    {
        await LoadAsync(id);
        return Page();
    }

    /// <summary>Places a candidate in the job.</summary>
    public async Task<IActionResult> OnPostAsync(long id)
    {
        var start = Day(StartDate, nameof(StartDate));
        var wage = Fen(Wage, nameof(Wage));
        return await SubmitAsync(async () =>
        {
            var p = (await Api.Jobs.CreatePlacementAsync(new CreatePlacementRequest
            {
                Parent = $"jobs/{id}",
                Placement = new Placement { Member = Member, StartDate = start, MonthlyWageFen = wage!.Value },
                RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync())).Placement;
            Tell(Lang.T($"已录用 {p.FullName}。", $"{p.FullName} placed."));
            return RedirectToPage(new { id });
        }, f => f switch
        {
            "placement.member" => nameof(Member),
            "placement.start_date" => nameof(StartDate),
            "placement.monthly_wage_fen" => nameof(Wage),
            _ => "",
        }, () => LoadAsync(id));
    }

    /// <summary>Ends placement <paramref name="placement"/> on <paramref name="endDate"/>.</summary>
    public async Task<IActionResult> OnPostEndAsync(long id, long placement, string endDate)
    {
        var end = Day(endDate, $"end-{placement}");
        return await SubmitAsync(async () =>
        {
            var p = (await Api.Jobs.EndPlacementAsync(new EndPlacementRequest
            {
                Name = $"placements/{placement}", EndDate = end, RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync())).Placement;
            Tell(Lang.T($"{p.FullName} 的就业已结束。", $"{p.FullName}'s placement ended."));
            return RedirectToPage(new { id });
        }, f => f == "end_date" ? $"end-{placement}" : "", () => LoadAsync(id));
    }

    private async Task LoadAsync(long id)
    {
        var o = await AsMeAsync();
        try
        {
            Job = (await Api.Jobs.GetJobAsync(new GetJobRequest { Name = $"jobs/{id}" }, o)).Job;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.InvalidArgument)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Placements.AddRange((await Api.Jobs.ListPlacementsAsync(new ListPlacementsRequest { Parent = Job.Name }, o)).Placements);
        if (Job.Open)
            Candidates.AddRange((await Api.Jobs.ListJobCandidatesAsync(new ListJobCandidatesRequest { Parent = Job.Name, PageSize = 100 }, o)).Candidates);
        foreach (var t in await TownsAsync(o))
            PlaceNames[t.Name] = t.DisplayName;
        foreach (var v in await VillagesAsync(o))
            PlaceNames[v.Name] = v.DisplayName;
        if (Wage.Length == 0 && Job.MonthlyWageFen > 0)
            Wage = (Job.MonthlyWageFen / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
    }
}
