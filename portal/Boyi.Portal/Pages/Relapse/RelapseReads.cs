using Boyi.Contracts.V1;
using Boyi.Domain.Duties;
using Boyi.Portal.Pages.Cadres;
using Grpc.Core;

namespace Boyi.Portal.Pages.Relapse;

/// <summary>
/// What the relapse pages show beside the watches the server answers (docs/relapse.md): who each household's cadres are
/// now (its active pairings, each cadre by name) and where each trigger's visit stands (the household's contacts in the
/// visit's window, judged by the domain's duty rule). One pairing and one contact listing per household, each cadre
/// read once; all as the signed-in person, so nothing is shown that the server would not give them.
/// </summary>
public sealed class RelapseReads
{
    /// <summary>The names of the cadres paired with each household now; empty when none (the town is told instead).</summary>
    public Dictionary<string, List<string>> Cadres { get; } = new(StringComparer.Ordinal);

    /// <summary>Each trigger's visit by the trigger's name; none for a household without a cadre (duties are a pairing's).</summary>
    public Dictionary<string, DutyStatus> Visits { get; } = new(StringComparer.Ordinal);

    /// <param name="everyTrigger">Every trigger's visit (a watch's page), or only each watch's latest (a list).</param>
    public static async Task<RelapseReads> LoadAsync(BoyiApi api, string county, IEnumerable<RelapseWatch> watches, bool everyTrigger, DateOnly today,
        CallOptions o)
    {
        var reads = new RelapseReads();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var household in watches.GroupBy(w => w.Household, StringComparer.Ordinal))
        {
            var pairings = await BoyiApi.AllAsync<Pairing>(async token => (await api.Pairing.ListPairingsAsync(new ListPairingsRequest
            {
                Parent = household.Key, Filter = "state = ACTIVE", PageSize = 100, PageToken = token,
            }, o)) is var r ? (r.Pairings, r.NextPageToken) : default);
            var cadres = new List<string>();
            foreach (var cadre in pairings.Select(p => p.Cadre).Distinct(StringComparer.Ordinal))
            {
                if (!names.TryGetValue(cadre, out var name))
                    names[cadre] = name = await CadreNameAsync(api, cadre, o);
                cadres.Add(name);
            }
            reads.Cadres[household.Key] = cadres;
            var triggers = household.SelectMany(w => everyTrigger ? w.Triggers : w.Triggers.TakeLast(1)).ToList();
            if (cadres.Count == 0 || triggers.Count == 0)
                continue;
            var contacts = await BoyiApi.AllAsync<ContactRecord>(async token => (await api.Contacts.ListContactRecordsAsync(new ListContactRecordsRequest
            {
                Parent = county, Household = household.Key, PageSize = 100, PageToken = token,
                StartDate = triggers.MinBy(t => Day(t.Date))!.Date, EndDate = triggers.MaxBy(t => Day(t.VisitDueDate))!.VisitDueDate,
            }, o)) is var r ? (r.Records, r.NextPageToken) : default);
            foreach (var t in triggers)
                reads.Visits[t.Name] = DutyOutlook.VisitFor(t, contacts, today);
        }
        return reads;
    }

    /// <summary>A trigger's visit in words: done on a day, due by its deadline, or overdue; none owed without a cadre.</summary>
    public (string Css, string Text) Visit(RelapseTrigger t) => Visits.TryGetValue(t.Name, out var status)
        ? Pages.Cadres.IndexModel.State(status)
        : ("text-muted", Lang.T("无结亲干部，不需走访", "no cadre: no visit owed"));

    /// <summary>The household's cadres by name, or a dash.</summary>
    public string CadresOf(string household) =>
        Cadres.TryGetValue(household, out var names) && names.Count > 0 ? string.Join(Lang.T("、", ", "), names) : Lang.T("（无结亲干部）", "(no cadre)");

    /// <summary>A cadre's name; the resource name when the signed-in person may not read the cadre (another cadre of the household).</summary>
    private static async Task<string> CadreNameAsync(BoyiApi api, string cadre, CallOptions o)
    {
        try
        {
            return (await api.Cadres.GetCadreAsync(new GetCadreRequest { Name = cadre }, o)).Cadre.FullName;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
        {
            return cadre;
        }
    }

    private static DateOnly Day(Google.Type.Date d) => new(d.Year, d.Month, d.Day);
}
