using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>The enterprise's projects (pledged against delivered) and a form to pledge one to a village.</summary>
public sealed class ProjectsModel(BoyiApi api) : PartnerPage(api)
{
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Village { get; set; } = "";
    [BindProperty] public ProjectKind Kind { get; set; } = ProjectKind.VillageRoad;
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Title { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Pledged { get; set; } = "";

    public List<Project> Projects { get; } = [];
    public List<Village> Villages { get; } = [];
    public Dictionary<string, string> TownNames { get; } = [];

    public string VillageName(string name) => Villages.FirstOrDefault(v => v.Name == name)?.DisplayName ?? name;

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var pledged = Fen(Pledged, nameof(Pledged), required: true);
        return await SubmitAsync(async () =>
        {
            var p = (await Api.Projects.CreateProjectAsync(new CreateProjectRequest
            {
                Project = new Project { Enterprise = Me, Village = Village, Kind = Kind, Title = Title.Trim(), PledgedFen = pledged!.Value },
                RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync())).Project;
            Tell(Lang.T($"项目“{p.Title}”已登记。", $"Project “{p.Title}” recorded."));
            return Redirect($"/{p.Name}");
        }, f => f switch
        {
            "project.village" => nameof(Village),
            "project.kind" => nameof(Kind),
            "project.title" => nameof(Title),
            "project.pledged_fen" => nameof(Pledged),
            _ => "",
        }, () => LoadAsync());
    }

    private async Task LoadAsync()
    {
        var o = await AsMeAsync();
        Projects.AddRange((await MyProjectsAsync(o)).OrderByDescending(p => p.CreateTime?.ToDateTimeOffset()));
        foreach (var t in await TownsAsync(o))
            TownNames[t.Name] = t.DisplayName;
        Villages.AddRange((await VillagesAsync(o)).OrderByDescending(v => v.Poor).ThenBy(v => v.Town, StringComparer.Ordinal).ThenBy(v => v.Name, StringComparer.Ordinal));
    }
}
