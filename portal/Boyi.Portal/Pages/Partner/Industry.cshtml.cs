using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// The cooperatives tied to the signed-in enterprise's "company + cooperative + base + farmer" linkages (docs/industry.md),
/// each with its village, chair and figures: land transferred, households earning rent, rent due and paid, overdue dues,
/// villagers employed at the base (ListCooperatives with parent `enterprises/{enterprise}`).
/// </summary>
public sealed class IndustryModel(BoyiApi api) : PartnerPage(api)
{
    private const int PageSize = 100;

    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public List<Cooperative> Cooperatives { get; } = [];
    public string Next { get; private set; } = "";
    private readonly Dictionary<string, string> _villages = new(StringComparer.Ordinal);

    public CooperativeTable Table => new(Cooperatives, v => _villages.GetValueOrDefault(v, v));

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        foreach (var v in await VillagesAsync(o))
            _villages[v.Name] = v.DisplayName;
        try
        {
            var page = await Api.Industry.ListCooperativesAsync(new ListCooperativesRequest { Parent = Me, PageSize = PageSize, PageToken = P ?? "" }, o);
            Cooperatives.AddRange(page.Cooperatives);
            Next = page.NextPageToken;
        }
        catch (RpcException e) when (IsForThePerson(e))
        {
            Problem = Messages.For(e);
        }
        return Page();
    }
}
