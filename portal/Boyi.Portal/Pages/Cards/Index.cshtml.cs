using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Domain.Registry;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Cards;

/// <summary>
/// The contact cards (联系卡) to print on A4 and hand out: one card per paired household (a household with several
/// active pairings gets one card naming each of its cadres), of a town (county and town staff) or of the signed-in cadre, with the household as the server shows it to that person, the cadre's name, unit
/// and phone as the registry shows them (masked unless the reader holds personal data and asks), and the town office.
/// "Record as issued" tells the server the cards were handed out on a day.
/// </summary>
public sealed class IndexModel(BoyiApi api, TimeProvider clock, IConfiguration config) : PortalPage
{
    /// <summary>`towns/{code}` for staff; ignored for a cadre (their own households).</summary>
    [BindProperty(SupportsGet = true)] public string Town { get; set; } = "";
    [BindProperty] public string IssueDate { get; set; } = "";

    public List<Town> Towns { get; } = [];
    public List<CardView> Cards { get; } = [];
    public bool ForCadre => User.Cadre() is not null;
    public DateOnly Today => Lang.ChinaToday(clock);
    public string? TownName { get; private set; }

    /// <summary>One household's card: its pairings (by card number) with their cadres, the town office's line, and when it was last recorded as issued.</summary>
    public sealed record CardView(IReadOnlyList<(Pairing Pairing, Cadre? Cadre)> Pairings, Household Household, string Village, string TownName, string Office,
        Google.Type.Date? LastIssued)
    {
        public Pairing First => Pairings[0].Pairing;
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!(User.IsStaff() || User.Cadre() is not null) || User.County() is null)
        {
            context.Result = Forbidden("此页面供结亲干部和县、乡镇工作人员使用。", "This page is for cadres and county and town staff.");
            return;
        }
        await next();
    }

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadAsync();
        IssueDate = Today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return Page();
    }

    public async Task<IActionResult> OnPostIssuedAsync()
    {
        var date = Day(IssueDate, nameof(IssueDate));
        if (date is null && !Errors.ContainsKey(nameof(IssueDate)))
            Errors[nameof(IssueDate)] = Lang.T("请选择发放日期。", "Choose the issue date.");
        return await SubmitAsync(async () =>
        {
            var r = await api.Contacts.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest
            {
                Parent = ForCadre ? User.Cadre()! : Area(), IssueDate = date, RequestId = Guid.NewGuid().ToString(),
            }, await api.AsAsync(HttpContext));
            Tell(Lang.T($"已记录 {r.IssuedCount} 户的联系卡于 {IssueDate} 发放" + (r.AlreadyRecordedCount > 0 ? $"（另有 {r.AlreadyRecordedCount} 户当天已记录）。" : "。"),
                $"Recorded {r.IssuedCount} cards as issued on {IssueDate}" + (r.AlreadyRecordedCount > 0 ? $" ({r.AlreadyRecordedCount} were already recorded for that day)." : ".")));
            return RedirectToPage(new { Town = ForCadre ? null : Town });
        }, field => field == "issue_date" ? nameof(IssueDate) : "", LoadAsync);
    }

    /// <summary>The town asked for: a town officer's own town, else the one chosen (none yet: the county's first).</summary>
    private string Area() => User.IsTownOfficer() ? User.Town()! : Town.Length > 0 ? Town : Towns.FirstOrDefault()?.Name ?? "";

    private async Task LoadAsync()
    {
        var o = await api.AsAsync(HttpContext);
        var county = User.County()!;
        Towns.AddRange(await api.AllTownsAsync(county, o));
        var villages = (await api.AllVillagesAsync(county, o)).ToDictionary(v => v.Name, v => v.DisplayName, StringComparer.Ordinal);
        List<Pairing> pairings;
        List<Household> households;
        var cadres = new Dictionary<string, Cadre>(StringComparer.Ordinal);
        if (ForCadre)
        {
            pairings = await ActivePairingsAsync(User.Cadre()!, o);
            households = [];
            foreach (var p in pairings)
                households.Add((await api.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = p.Household }, o)).Household);
            var me = (await api.Cadres.GetCadreAsync(new GetCadreRequest { Name = User.Cadre() }, o)).Cadre;
            cadres[me.Name] = me;
        }
        else
        {
            Town = Area();
            if (Town.Length == 0)
                return;
            var town = long.Parse(Town["towns/".Length..], CultureInfo.InvariantCulture);
            pairings = (await ActivePairingsAsync(county, o)).Where(p => Ids.TownOfVillage(Ids.VillageOfHousehold(Number(p.Household))) == town).ToList();
            households = await BoyiApi.AllAsync<Household>(async token => (await api.Households.ListHouseholdsAsync(new ListHouseholdsRequest
            {
                Parent = Town, Filter = "paired = true", PageSize = 500, PageToken = token,
            }, o)) is var r ? (r.Households, r.NextPageToken) : default);
            foreach (var c in await BoyiApi.AllAsync<Cadre>(async token => (await api.Cadres.ListCadresAsync(new ListCadresRequest
                { Parent = county, PageSize = 500, PageToken = token }, o)) is var r ? (r.Cadres, r.NextPageToken) : default))
                cadres[c.Name] = c;
        }
        var byName = households.ToDictionary(h => h.Name, StringComparer.Ordinal);
        var issued = await LastIssuedAsync(o);
        foreach (var paired in pairings.OrderBy(p => p.ContactCardNumber, StringComparer.Ordinal).GroupBy(p => p.Household, StringComparer.Ordinal))
        {
            if (!byName.TryGetValue(paired.Key, out var h))
                continue;
            var townOf = Towns.FirstOrDefault(t => t.Name == h.Town);
            TownName = townOf?.DisplayName;
            Cards.Add(new CardView([.. paired.Select(p => (p, cadres.GetValueOrDefault(p.Cadre)))], h, villages.GetValueOrDefault(h.Village, h.Village),
                townOf?.DisplayName ?? h.Town, config[$"Portal:TownOffices:{h.Town["towns/".Length..]}"] ?? "", issued.GetValueOrDefault(h.Name)));
        }
    }

    private async Task<List<Pairing>> ActivePairingsAsync(string parent, CallOptions o) =>
        await BoyiApi.AllAsync<Pairing>(async token => (await api.Pairing.ListPairingsAsync(new ListPairingsRequest
            { Parent = parent, Filter = "state = ACTIVE", PageSize = 500, PageToken = token }, o)) is var r ? (r.Pairings, r.NextPageToken) : default);

    /// <summary>The latest issue date recorded per household (newest first, so the first seen is the latest).</summary>
    private async Task<Dictionary<string, Google.Type.Date>> LastIssuedAsync(CallOptions o)
    {
        var last = new Dictionary<string, Google.Type.Date>(StringComparer.Ordinal);
        var issues = await BoyiApi.AllAsync<ContactCardIssue>(async token => (await api.Contacts.ListContactCardIssuesAsync(new ListContactCardIssuesRequest
        {
            Parent = ForCadre ? User.County()! : Town, Cadre = ForCadre ? User.Cadre()! : "", PageSize = 500, PageToken = token,
        }, o)) is var r ? (r.Issues, r.NextPageToken) : default);
        foreach (var i in issues)
            last.TryAdd(i.Household, i.IssueDate);
        return last;
    }

    private static long Number(string name) => long.Parse(name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
}
