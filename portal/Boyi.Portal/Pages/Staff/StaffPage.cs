using System.Globalization;
using Boyi.Contracts.V1;
using Google.LongRunning;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Staff;

/// <summary>
/// A page for county and town staff, and, where <see cref="AuditorsRead"/>, for the county's auditors to read. Anyone
/// else gets 403 before a handler runs, and so does an auditor's form post: the page shows them no buttons or forms.
/// What each may actually see and do is still decided by the server for the signed-in person on every call.
/// </summary>
public abstract class StaffPage(BoyiApi api) : PortalPage
{
    protected BoyiApi Api => api;

    /// <summary>Whether the county's auditors may read this page (the money pages: the server lets them read what it shows).</summary>
    protected virtual bool AuditorsRead => false;

    /// <summary>The signed-in person only reads this page (an auditor): no forms, no buttons that change anything.</summary>
    public bool ReadOnly => User.IsCountyAuditor();

    /// <summary>Names of towns and villages of the county, for showing `villages/…` as words.</summary>
    public Places Places { get; } = new();

    private CallOptions? _options;

    protected async Task<CallOptions> AsAsync() => _options ??= await api.AsAsync(HttpContext);

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (AuditorsRead && User.IsCountyAuditor())
        {
            // Reading only: any other method is a change, which the server would refuse anyway.
            if (!HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method))
            {
                context.Result = Forbidden("审计员只能查看，不能办理。", "Auditors read; they do not act.");
                return;
            }
            await next();
            return;
        }
        if (!User.IsStaff() || User.County() is null)
        {
            context.Result = Forbidden("此页面仅供县、乡镇工作人员使用。", "This page is for county and town staff.");
            return;
        }
        await next();
    }

    /// <summary>The county's towns and villages (public registry data).</summary>
    protected async Task LoadPlacesAsync()
    {
        var o = await AsAsync();
        Places.County = (await api.Registry.GetCountyAsync(new GetCountyRequest { Name = User.County() }, o)).County;
        Places.Towns.AddRange(await api.AllTownsAsync(User.County()!, o));
        foreach (var v in await api.AllVillagesAsync(User.County()!, o))
            Places.Villages[v.Name] = v;
    }

    /// <summary>How often a page waiting for an operation asks again (the Refresh header: no script needed).</summary>
    private const int RefreshSeconds = 2;

    /// <summary>
    /// A long-running operation this person started (an export, a subsidy run): while it runs the page refreshes
    /// itself; once done, its failure is the page's problem. Null while it runs.
    /// </summary>
    protected async Task<Operation?> WatchAsync(string operation)
    {
        var op = await Api.Operations.GetOperationAsync(new GetOperationRequest { Name = operation }, await AsAsync());
        if (!op.Done)
        {
            Response.Headers["Refresh"] = RefreshSeconds.ToString(CultureInfo.InvariantCulture);
            return null;
        }
        if (op.Error is { } error)
            Problem = Messages.ForReason(error.Details.Select(d => d.TryUnpack<Google.Rpc.ErrorInfo>(out var i) ? i.Reason : null).FirstOrDefault(r => r is not null))
                ?? error.Message;
        return op;
    }

    /// <summary>An element id from a resource name (`linkages/7` → `linkages-7`).</summary>
    public static string Id(string name) => name.Replace('/', '-');
}

/// <summary>The county's towns and villages by name.</summary>
public sealed class Places
{
    public County? County { get; set; }
    public List<Town> Towns { get; } = [];
    public Dictionary<string, Village> Villages { get; } = new(StringComparer.Ordinal);

    /// <summary>The display name of a town or village; the resource name itself for anything else.</summary>
    public string Of(string name) =>
        Villages.TryGetValue(name, out var v) ? v.DisplayName
        : County is { } c && c.Name == name ? c.DisplayName
        : Towns.FirstOrDefault(t => t.Name == name)?.DisplayName ?? name;

    /// <summary>A village with its town (第1镇 · 第1镇1村).</summary>
    public string VillageInTown(string name) =>
        Villages.TryGetValue(name, out var v) ? $"{Of(v.Town)} · {v.DisplayName}" : name;

    public IEnumerable<Village> VillagesOf(string town) => Villages.Values.Where(v => v.Town == town).OrderBy(v => v.Name, StringComparer.Ordinal);
}
