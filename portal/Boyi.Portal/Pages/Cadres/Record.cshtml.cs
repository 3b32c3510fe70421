using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Cadres;

/// <summary>
/// Recording a call or a visit with one household in a few taps: kind, date (today unless changed), the must-visit
/// windows open now (festivals, busy seasons, the household's problems, life events and disputes; the one the cadre came
/// for ticked), help given, the diary for a visit and a photo from the phone's camera. The record is
/// created first and the photo added to it: a photo the server refuses leaves the record saved, and the cadre is sent
/// to its page to try the photo again.
/// </summary>
public sealed class RecordModel(BoyiApi api, TimeProvider clock) : CadrePage(api)
{
    /// <summary>The server's limit on a photo (contacts.proto AddContactPhoto: 3 MiB).</summary>
    public const long MaxPhotoBytes = 3 * 1024 * 1024;

    [BindProperty(SupportsGet = true)] public string Household { get; set; } = "";
    [BindProperty] public ContactForm Form { get; set; } = new();
    [BindProperty] public IFormFile? Photo { get; set; }
    /// <summary>The request id of this form, kept across a refused post, so a double submit records once.</summary>
    [BindProperty] public string RequestId { get; set; } = "";

    public DeskHousehold? Target { get; private set; }
    public CadreDesk? Desk { get; private set; }

    protected override DateOnly Today => Lang.ChinaToday(clock);
    public DateOnly LastDay => Today;
    public DateOnly FirstDay => Today.AddDays(-(Desk?.Policy.EntryWindowDays ?? 7));

    /// <param name="kind">visit, call or other (a visit unless said).</param>
    /// <param name="occasion">An open must-visit to tick (its form value, kind|reference), as /cadre links to it.</param>
    public async Task<IActionResult> OnGetAsync(string? kind, string? occasion)
    {
        // The form is for one household: without one, the cadre chooses it among theirs.
        if (Household.Length == 0)
            return Redirect("/cadre");
        await LoadAsync();
        if (Target is null)
            return NotFoundPage();
        Form = new ContactForm { Kind = kind is "call" or "other" ? kind : "visit", Date = Today.ToString("yyyy-MM-dd") }.Padded();
        // Only a window open now can be ticked: an old link (an alert's, a page left open) names nothing.
        if (Target.Duties.Occasions.FirstOrDefault(o => o.Value == occasion) is { } named)
            Form.Occasions.Add(named.Value);
        RequestId = Guid.NewGuid().ToString();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Form.Padded();
        if (Photo is { Length: > MaxPhotoBytes })
            Errors["Photo"] = Lang.T($"照片太大：最多 3 MB，这张 {Photo.Length / 1024 / 1024.0:0.0} MB。请重新拍一张或选小一点的。",
                $"The photo is too large: at most 3 MB, this one is {Photo.Length / 1024 / 1024.0:0.0} MB. Take or choose a smaller one.");
        var helpFields = new List<int>();
        var record = Form.ToRecord(Household, clock.GetUtcNow(), Errors, helpFields);
        if (RequestId.Length == 0)
            RequestId = Guid.NewGuid().ToString();
        return await SubmitAsync(async () =>
        {
            var o = await AsAsync();
            var created = (await Api.Contacts.CreateContactRecordAsync(new CreateContactRecordRequest { Record = record, RequestId = RequestId }, o)).Record;
            if (Photo is { Length: > 0 })
            {
                try
                {
                    await using var stream = Photo.OpenReadStream();
                    await Api.Contacts.AddContactPhotoAsync(new AddContactPhotoRequest
                    {
                        Parent = created.Name, Content = await Google.Protobuf.ByteString.FromStreamAsync(stream, HttpContext.RequestAborted),
                        RequestId = Guid.NewGuid().ToString(),
                    }, o);
                }
                catch (RpcException e) when (IsForThePerson(e))
                {
                    TempData["PhotoProblem"] = Lang.T($"记录已保存，但照片没有上传：{Messages.For(e)} 请在下面重新上传照片。",
                        $"The record is saved, but the photo was not: {Messages.For(e)} Try the photo again below.");
                    return Redirect($"/{created.Name}");
                }
            }
            Tell(Lang.T("已记录。", "Recorded."));
            return Redirect($"/{created.Name}");
        }, field => ContactForm.FieldOf(field, helpFields), LoadAsync);
    }

    private async Task LoadAsync()
    {
        if (!Household.StartsWith("households/", StringComparison.Ordinal))
            return;
        Desk = await LoadDeskAsync(Household);
        Target = Desk.Households.FirstOrDefault();
    }
}
