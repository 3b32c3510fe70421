using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Relapse;

/// <summary>
/// One relapse watch (docs/relapse.md) as the server lets the signed-in person read it: county and town staff of its
/// area, and the cadre paired with its household now (anyone else: not found, like a missing one). Its household,
/// dates and days open, its triggers each with the visit it made due, and its measures. While it is open, staff and
/// the cadre record measures; staff clear the risk with a note or return the household to poverty with a reason (asked
/// to confirm), each sending the etag of what was shown. The town's notification about a household without a cadre
/// links here.
/// </summary>
public sealed class WatchModel(BoyiApi api, TimeProvider clock) : PortalPage
{
    public RelapseWatch? Watch { get; private set; }
    public long Id { get; private set; }
    public RelapseReads Reads { get; private set; } = new();
    public string Village { get; private set; } = "";
    public string Town { get; private set; } = "";

    [BindProperty] public MeasureForm Measure { get; set; } = new();
    [BindProperty] public string Note { get; set; } = "";
    [BindProperty] public string Reason { get; set; } = "";
    [BindProperty] public string Etag { get; set; } = "";
    /// <summary>The measure form's request id, kept across a refused post, so a double submit records once.</summary>
    [BindProperty] public string RequestId { get; set; } = "";

    public DateOnly Today => Lang.ChinaToday(clock);

    /// <summary>Staff close watches; cadres only add measures (the server decides again on every call).</summary>
    public bool Closes => User.IsStaff();

    public bool IsOpen => Watch?.State == RelapseWatchState.AtRisk;

    /// <summary>What a measure is: what was done, by whom, on which day (not in the future).</summary>
    public sealed class MeasureForm
    {
        public string What { get; set; } = "";
        public string TakenBy { get; set; } = "";
        public string Date { get; set; } = "";
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if ((!User.IsStaff() && User.Cadre() is null) || User.County() is null)
        {
            context.Result = Forbidden("返贫监测供县、乡镇工作人员和结亲干部使用。", "The relapse watch is for county and town staff and paired cadres.");
            return;
        }
        await next();
    }

    public async Task<IActionResult> OnGetAsync(long id)
    {
        if (!await LoadAsync(id))
            return NotFoundPage();
        Measure.Date = Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostMeasureAsync(long id)
    {
        var date = Day(Measure.Date, "Measure.Date");
        if (RequestId.Length == 0)
            RequestId = Guid.NewGuid().ToString();
        return await SubmitAsync(async () =>
        {
            await api.Relapse.RecordRelapseMeasureAsync(new RecordRelapseMeasureRequest
            {
                Parent = Name(id), RequestId = RequestId,
                Measure = new RelapseMeasure { What = Measure.What, TakenBy = Measure.TakenBy, Date = date },
            }, await api.AsAsync(HttpContext));
            Tell(Lang.T("帮扶措施已记录。", "The measure is recorded."));
            return Redirect($"/{Name(id)}");
        }, field => field switch
        {
            "measure.what" => "Measure.What",
            "measure.taken_by" => "Measure.TakenBy",
            "measure.date" => "Measure.Date",
            _ => "",
        }, () => LoadAsync(id));
    }

    public Task<IActionResult> OnPostClearAsync(long id) => CloseAsync(id, async o => await api.Relapse.ClearRelapseRiskAsync(new ClearRelapseRiskRequest
    {
        Name = Name(id), Etag = Etag, Note = Note, RequestId = Guid.NewGuid().ToString(),
    }, o), Lang.T("已消除返贫风险，该户恢复为已脱贫。", "The risk is cleared: the household is lifted again."));

    public Task<IActionResult> OnPostReturnAsync(long id) => CloseAsync(id, async o => await api.Relapse.ReturnToPovertyAsync(new ReturnToPovertyRequest
    {
        Name = Name(id), Etag = Etag, Reason = Reason, RequestId = Guid.NewGuid().ToString(),
    }, o), Lang.T("已认定返贫，该户恢复为贫困户。", "The household is back in poverty."));

    /// <summary>Clearing or returning (staff only: anyone else gets 403, as the server would refuse them).</summary>
    private async Task<IActionResult> CloseAsync(long id, Func<CallOptions, Task> close, string done)
    {
        if (!Closes)
            return Forbidden("只有县、乡镇工作人员可以消除风险或认定返贫。", "Only county and town staff clear a risk or return a household to poverty.");
        return await SubmitAsync(async () =>
        {
            await close(await api.AsAsync(HttpContext));
            Tell(done);
            return Redirect($"/{Name(id)}");
        }, field => field switch { "note" => "Note", "reason" => "Reason", _ => "" }, () => LoadAsync(id));
    }

    private static string Name(long id) => $"relapseWatches/{id}";

    /// <summary>The watch, its village and town by name, its cadres and visits; false when the server does not let the person read it.</summary>
    private async Task<bool> LoadAsync(long id)
    {
        Id = id;
        var o = await api.AsAsync(HttpContext);
        try
        {
            Watch = (await api.Relapse.GetRelapseWatchAsync(new GetRelapseWatchRequest { Name = Name(id) }, o)).Watch;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.PermissionDenied)
        {
            Watch = null;
            return false;
        }
        Village = (await api.Registry.GetVillageAsync(new GetVillageRequest { Name = Watch.Village }, o)).Village.DisplayName;
        Town = (await api.Registry.GetTownAsync(new GetTownRequest { Name = Watch.Town }, o)).Town.DisplayName;
        Reads = await RelapseReads.LoadAsync(api, User.County()!, [Watch], everyTrigger: true, Today, o);
        if (RequestId.Length == 0)
            RequestId = Guid.NewGuid().ToString();
        return true;
    }

    private IActionResult NotFoundPage()
    {
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    /// <summary>Who reported a trigger: a connected system and the daily income watch in words, a person by their account.</summary>
    public static string Reporter(string reporter) => reporter switch
    {
        _ when reporter.StartsWith("job:", StringComparison.Ordinal) => Lang.T("每日收入监测", "The daily income watch"),
        _ when reporter.StartsWith("client:", StringComparison.Ordinal) => Lang.T($"对接系统（{reporter}）", $"Connected system ({reporter})"),
        _ => reporter,
    };

    /// <summary>The household's page for the signed-in person: the cadre's household card, or the staff's list of its town.</summary>
    public string Back => User.Cadre() is not null ? "/cadre" : "/staff/relapse";
}
