using System.ComponentModel.DataAnnotations;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>One project of the enterprise: its deliveries, and recording one (yuan read as exact fen).</summary>
public sealed class ProjectModel(BoyiApi api) : PartnerPage(api)
{
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Date { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Amount { get; set; } = "";
    [BindProperty, DisplayFormat(ConvertEmptyStringToNull = false)] public string Note { get; set; } = "";

    public Project? Project { get; private set; }
    public string VillageName { get; private set; } = "";
    public List<Delivery> Deliveries { get; } = [];

    public async Task<IActionResult> OnGetAsync(long id)
    {
        await LoadAsync(id);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id)
    {
        var date = Day(Date, nameof(Date));
        var amount = Fen(Amount, nameof(Amount), required: true);
        return await SubmitAsync(async () =>
        {
            var r = await Api.Projects.RecordDeliveryAsync(new RecordDeliveryRequest
            {
                Parent = $"projects/{id}",
                Delivery = new Delivery { Date = date, AmountFen = amount!.Value, Note = Note.Trim() },
                RequestId = Guid.NewGuid().ToString(),
            }, await AsMeAsync());
            Tell(Lang.T($"已记录到位 {Lang.Yuan(r.Delivery.AmountFen)} 元。", $"Delivery of {Lang.Yuan(r.Delivery.AmountFen)} yuan recorded."));
            return RedirectToPage(new { id });
        }, f => f switch
        {
            "delivery.date" => nameof(Date),
            "delivery.amount_fen" => nameof(Amount),
            "delivery.note" => nameof(Note),
            _ => "",
        }, () => LoadAsync(id));
    }

    private async Task LoadAsync(long id)
    {
        var o = await AsMeAsync();
        try
        {
            Project = (await Api.Projects.GetProjectAsync(new GetProjectRequest { Name = $"projects/{id}" }, o)).Project;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.InvalidArgument)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        Deliveries.AddRange((await Api.Projects.ListDeliveriesAsync(new ListDeliveriesRequest { Parent = Project.Name }, o)).Deliveries);
        VillageName = Project.Village.Length == 0 ? "" : (await Api.Registry.GetVillageAsync(new GetVillageRequest { Name = Project.Village }, o)).Village.DisplayName;
    }
}
