using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Cadres;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Contacts;

/// <summary>
/// One contact record as the server lets the signed-in person see it (a record of someone else's household is simply
/// not found): what happened, the help, the diary and photos. Within the correction window its author may correct
/// it (with the record's etag) and add a photo; after that the page says why it is read-only. Whether a correction
/// is allowed (the author, the window) is the server's to say.
/// </summary>
public sealed class DetailModel(BoyiApi api, TimeProvider clock) : PortalPage
{
    public ContactRecord? Record { get; private set; }
    public string HouseholdName { get; private set; } = "";

    [BindProperty] public ContactForm Form { get; set; } = new();
    [BindProperty] public string Etag { get; set; } = "";
    [BindProperty] public IFormFile? Photo { get; set; }

    /// <summary>Whether the correction window is still open (the server checks it again, with the author).</summary>
    public bool Correctable => Record?.CorrectableUntil is { } until && until.ToDateTimeOffset() > clock.GetUtcNow();

    public DateOnly Today => Lang.ChinaToday(clock);

    /// <summary>Contact records are for those who work with the county's households (the server refuses enterprises).</summary>
    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (User.Enterprise() is not null)
        {
            context.Result = Forbidden("联系记录供结亲干部、县乡工作人员和审计员查看。", "Contact records are for cadres, county and town staff and auditors.");
            return;
        }
        await next();
    }

    public async Task<IActionResult> OnGetAsync(long id)
    {
        await LoadAsync(id);
        if (Record is not null)
        {
            Form = ContactForm.Of(Record);
            Etag = Record.Etag;
        }
        return Page();
    }

    /// <summary>A photo's bytes, fetched as the signed-in person (nothing the server would not give them).</summary>
    public async Task<IActionResult> OnGetPhotoAsync(long id, int n)
    {
        try
        {
            var photo = await api.Contacts.GetContactPhotoAsync(new GetContactPhotoRequest { Name = $"contactRecords/{id}/photos/{n}" }, await api.AsAsync(HttpContext));
            Response.Headers.CacheControl = "private, max-age=3600";
            return File(photo.Content.ToByteArray(), photo.Photo.ContentType is "image/png" ? "image/png" : "image/jpeg");
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument)
        {
            return NotFound();
        }
    }

    public async Task<IActionResult> OnPostCorrectAsync(long id)
    {
        Form.Padded();
        var helpFields = new List<int>();
        var record = Form.ToRecord("", clock.GetUtcNow(), Errors, helpFields);
        record.Name = $"contactRecords/{id}";
        record.Etag = Etag;
        record.Household = "";
        // Every correctable field is sent as the form shows it: a diary emptied for a call, help rows cleared.
        var mask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "kind", "occur_time", "occasions", "help_items", "diary" } };
        return await SubmitAsync(async () =>
        {
            await api.Contacts.UpdateContactRecordAsync(new UpdateContactRecordRequest { Record = record, UpdateMask = mask, RequestId = Guid.NewGuid().ToString() },
                await api.AsAsync(HttpContext));
            Tell(Lang.T("已更正。", "Corrected."));
            return Redirect($"/contactRecords/{id}");
        }, field => ContactForm.FieldOf(field, helpFields), () => LoadAsync(id));
    }

    public async Task<IActionResult> OnPostPhotoAsync(long id)
    {
        if (Photo is not { Length: > 0 })
            Errors["Photo"] = Lang.T("请选择照片。", "Choose a photo.");
        else if (Photo.Length > RecordModel.MaxPhotoBytes)
            Errors["Photo"] = Lang.T("照片太大：最多 3 MB。", "The photo is too large: at most 3 MB.");
        return await SubmitAsync(async () =>
        {
            await using var stream = Photo!.OpenReadStream();
            await api.Contacts.AddContactPhotoAsync(new AddContactPhotoRequest
            {
                Parent = $"contactRecords/{id}", Content = await Google.Protobuf.ByteString.FromStreamAsync(stream, HttpContext.RequestAborted),
                RequestId = Guid.NewGuid().ToString(),
            }, await api.AsAsync(HttpContext));
            Tell(Lang.T("照片已上传。", "Photo added."));
            return Redirect($"/contactRecords/{id}");
        }, field => field == "content" ? "Photo" : "", async () =>
        {
            await LoadAsync(id);
            if (Record is not null)
            {
                Form = ContactForm.Of(Record);
                Etag = Record.Etag;
            }
        });
    }

    private async Task LoadAsync(long id)
    {
        try
        {
            var o = await api.AsAsync(HttpContext);
            Record = (await api.Contacts.GetContactRecordAsync(new GetContactRecordRequest { Name = $"contactRecords/{id}" }, o)).Record;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.PermissionDenied)
        {
            // Someone else's record answers exactly like a missing one: the page shows nothing of it.
            Record = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        try
        {
            HouseholdName = (await api.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = Record.Household }, await api.AsAsync(HttpContext))).Household.HeadName;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.NotFound)
        {
            // Auditors read contact records but not the registry's households: the record names its household.
            HouseholdName = Record.Household;
        }
    }
}
