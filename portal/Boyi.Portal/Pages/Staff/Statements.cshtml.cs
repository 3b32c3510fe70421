using Boyi.Contracts.V1;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// The county's yearly delivery statements, for county administrators (who reissue one from its page) and auditors, a year
/// at a time, newest first; an enterprise's name links to its printable statement.
/// </summary>
public sealed class StatementsModel(BoyiApi api) : StaffPage(api)
{
    protected override bool AuditorsRead => true;

    [BindProperty(SupportsGet = true)] public int? Year { get; set; }

    public List<Statement> Statements { get; } = [];
    public string Next { get; private set; } = "";
    [BindProperty(SupportsGet = true)] public string? P { get; set; }

    public override Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (!User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden("年度证明由县帮扶办管理员出具、审计员查看。", "Statements are issued by county administrators, and read by auditors.");
            return Task.CompletedTask;
        }
        return base.OnPageHandlerExecutionAsync(context, next);
    }

    public async Task<IActionResult> OnGetAsync()
    {
        Year ??= Lang.ChinaToday(TimeProvider.System).Year - 1;
        var page = await Api.Statements.ListStatementsAsync(new ListStatementsRequest { Parent = User.County(), Year = Year.Value, PageSize = 100, PageToken = P ?? "" }, await AsAsync());
        Statements.AddRange(page.Statements);
        Next = page.NextPageToken;
        return Page();
    }
}
