using Boyi.Contracts.V1;
using Boyi.Portal.Pages.Partner;
using Microsoft.AspNetCore.Mvc;

namespace Boyi.Portal.Pages.Statements;

/// <summary>The enterprise's yearly delivery statements, newest first, each opening its printable page.</summary>
public sealed class IndexModel(BoyiApi api) : PartnerPage(api)
{
    public List<Statement> Statements { get; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var o = await AsMeAsync();
        var token = "";
        do
        {
            var page = await Api.Statements.ListStatementsAsync(new ListStatementsRequest { Parent = Me, PageSize = 500, PageToken = token }, o);
            Statements.AddRange(page.Statements);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return Page();
    }
}
