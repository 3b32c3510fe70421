using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A village's exit assessment (十一有一低于) by town or county staff: a new one for a poor village that has not exited
/// (a town officer sees their town's), or one not yet confirmed by the town, changed with its etag. The twelfth
/// indicator, incidence below 3%, is computed by the server from the registry and shown with the assessment.
/// </summary>
public sealed class ExitVillageModel(BoyiApi api) : StaffPage(api)
{
    /// <summary>`villageExits/{id}` of the assessment being changed.</summary>
    [BindProperty(SupportsGet = true)] public string Name { get; set; } = "";
    /// <summary>`villages/{id}` of a new assessment.</summary>
    [BindProperty(SupportsGet = true)] public string Village { get; set; } = "";
    [BindProperty] public ExitChecklistForm Form { get; set; } = new();

    public VillageExitAssessment? Assessment { get; private set; }

    /// <summary>The poor villages not exited that the signed-in person may assess (a town officer's town's).</summary>
    public IEnumerable<Village> Choices => Places.Villages.Values
        .Where(v => v.Poor && v.ExitDate is not { Year: > 0 } && (User.Town() is not { } town || v.Town == town))
        .OrderBy(v => v.Name, StringComparer.Ordinal);

    public ExitChecklistView Checklist => new(Form, this, i => Names.Of((VillageExitIndicator)i), (int)VillageExitIndicator.IncidenceBelowLimit,
        Lang.T("由系统按台账计算：贫困人口 ÷ 户籍农业人口低于 3%。", "Computed from the registry: poor people ÷ registered rural population below 3%."));

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        Form = ExitChecklistForm.Of(Assessment);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Form.Rows = [.. ExitChecklistForm.VillageIndicators.Select((i, n) => Form.Rows.ElementAtOrDefault(n) is { } r && r.Indicator == (int)i ? r : new ExitChecklistForm.Row { Indicator = (int)i })];
        if (Form.RequestId.Length == 0)
            Form.RequestId = Guid.NewGuid().ToString();
        if (Name.Length == 0 && Village.Length == 0)
            Errors["Village"] = Messages.ForField("REQUIRED", "is required");
        return await SubmitAsync(async () =>
        {
            var o = await AsAsync();
            var input = Form.ToVillage(Name, Village);
            var saved = Name.Length == 0
                ? (await Api.Exits.CreateVillageExitAssessmentAsync(new CreateVillageExitAssessmentRequest { Assessment = input, RequestId = Form.RequestId }, o)).Assessment
                : (await Api.Exits.UpdateVillageExitAssessmentAsync(new UpdateVillageExitAssessmentRequest { Assessment = input, RequestId = Form.RequestId }, o)).Assessment;
            Tell(Lang.T("出列评估已保存，待乡镇确认。", "The village's exit assessment is saved; it awaits the town."));
            return Redirect($"/staff/exit-village?name={Uri.EscapeDataString(saved.Name)}");
        }, f => f == "assessment.village" ? "Village" : ExitChecklistForm.FieldOf(f), LoadAsync);
    }

    private async Task LoadAsync()
    {
        try
        {
            await LoadPlacesAsync();
            if (Name.Length > 0)
            {
                Assessment = (await Api.Exits.GetVillageExitAssessmentAsync(new GetVillageExitAssessmentRequest { Name = Name }, await AsAsync())).Assessment;
                Village = Assessment.Village;
            }
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem ??= Messages.For(e);
        }
    }
}
