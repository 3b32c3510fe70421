using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Statements;

/// <summary>
/// One yearly delivery statement, laid out to print on A4 (the print stylesheet leaves out the menu and the buttons): for the
/// enterprise it is about, and for the county's administrators and auditors. An administrator reissues it here, with a reason:
/// the server writes a new statement with a new number and this one stays, superseded.
/// </summary>
public sealed class DetailModel(BoyiApi api) : PortalPage
{
    [BindProperty(SupportsGet = true)] public string Number { get; set; } = "";
    [BindProperty] public string? Reason { get; set; }

    public Statement? Statement { get; private set; }
    public bool MayReissue => User.IsCountyAdmin() && Statement?.State == StatementState.Current;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Enterprise() is null && !User.IsCountyAdminOrAuditor())
        {
            context.Result = Forbidden("年度证明由企业本身、县帮扶办管理员和审计员查看。", "Statements are read by their enterprise, county administrators and auditors.");
            return;
        }
        await next();
    }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostReissueAsync()
    {
        if (!User.IsCountyAdmin())
            return Forbidden("只有县帮扶办管理员可以重新出具。", "Only county administrators reissue statements.");
        return await SubmitAsync(async () =>
        {
            var fresh = (await api.Statements.ReissueStatementAsync(new ReissueStatementRequest
            {
                Name = $"statements/{Number}", Reason = (Reason ?? "").Trim(), RequestId = Guid.NewGuid().ToString(),
            }, await api.AsAsync(HttpContext))).Statement;
            Tell(Lang.T($"已重新出具，新编号 {fresh.Number}。", $"Reissued as {fresh.Number}."));
            return Redirect($"/{fresh.Name}");
        }, f => f == "reason" ? nameof(Reason) : "", async () => await LoadAsync());
    }

    private async Task<bool> LoadAsync()
    {
        try
        {
            Statement = (await api.Statements.GetStatementAsync(new GetStatementRequest { Name = $"statements/{Number}" }, await api.AsAsync(HttpContext))).Statement;
            return true;
        }
        catch (RpcException e) when (e.StatusCode is Grpc.Core.StatusCode.NotFound or Grpc.Core.StatusCode.InvalidArgument)
        {
            return false;
        }
    }
}
