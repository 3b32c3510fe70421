using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>The enterprise's jobs (openings and filled), a form to post one, and closing one.</summary>
public sealed class JobsModel(BoyiApi api) : PartnerPage(api)
{
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Title { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Town { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Village { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Openings { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Wage { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Requirements { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string OpenFrom { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string OpenUntil { get; set; } = "";

    public List<Job> Jobs { get; } = [];
    public List<Town> Towns { get; } = [];
    public List<Village> Villages { get; } = [];
    public string PlaceName(string name) => Towns.FirstOrDefault(t => t.Name == name)?.DisplayName
        ?? Villages.FirstOrDefault(v => v.Name == name)?.DisplayName ?? name;

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var openings = Whole(Openings, nameof(Openings));
        var wage = Fen(Wage, nameof(Wage));
        var from = Day(OpenFrom, nameof(OpenFrom));
        var until = Day(OpenUntil, nameof(OpenUntil));
        return await SubmitAsync(async () =>
        {
            var job = (await Api.Jobs.PostJobAsync(new PostJobRequest
            {
                Job = new Job
                {
                    Enterprise = Me, Title = Title.Trim(), Town = Town, Village = Village, Openings = openings!.Value, MonthlyWageFen = wage!.Value,
                    Requirements = Requirements.Trim(), OpenFrom = from, OpenUntil = until,
                },
                RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync())).Job;
            Tell(Lang.T($"岗位“{job.Title}”已发布。", $"Job “{job.Title}” posted."));
            return Redirect($"/{job.Name}");
        }, FormField, LoadAsync);
    }

    /// <summary>Closes job <paramref name="id"/> (as last seen: <paramref name="etag"/>).</summary>
    public async Task<IActionResult> OnPostCloseAsync(long id, string etag)
    {
        try
        {
            var job = (await Api.Jobs.CloseJobAsync(new CloseJobRequest { Name = $"jobs/{id}", Etag = etag ?? "", RequestId = Guid.NewGuid().ToString() },
                await AsMeAsync())).Job;
            Tell(Lang.T($"岗位“{job.Title}”已关闭。", $"Job “{job.Title}” closed."));
            return RedirectToPage();
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Show(e);
            await LoadAsync();
            return Page();
        }
    }

    private static string FormField(string field) => field switch
    {
        "job.title" => nameof(Title),
        "job.town" => nameof(Town),
        "job.village" => nameof(Village),
        "job.openings" => nameof(Openings),
        "job.monthly_wage_fen" => nameof(Wage),
        "job.requirements" => nameof(Requirements),
        "job.open_from" => nameof(OpenFrom),
        "job.open_until" => nameof(OpenUntil),
        _ => "",
    };

    private async Task LoadAsync()
    {
        var o = await AsMeAsync();
        Jobs.AddRange((await MyJobsAsync(o)).OrderByDescending(j => j.Open).ThenByDescending(j => j.CreateTime?.ToDateTimeOffset()));
        Towns.AddRange(await TownsAsync(o));
        Villages.AddRange((await VillagesAsync(o)).OrderBy(v => v.Town, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal));
    }
}
