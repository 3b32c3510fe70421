using System.Globalization;
using System.Text.RegularExpressions;
using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Boyi.Portal.Pages.Partner;

/// <summary>
/// A page of the signed-in enterprise: its own linkages, jobs and projects, read and changed through the API as
/// that person. The server decides every rule; the page only turns typed text into the API's types (yuan into
/// exact fen, dates) and says plainly when the text cannot be read.
/// </summary>
public abstract partial class PartnerPage(BoyiApi api) : PortalPage
{
    protected BoyiApi Api { get; } = api;

    /// <summary>`enterprises/{id}` of the signed-in enterprise user (the pages answer no one else).</summary>
    public string Me => User.Enterprise() ?? "";

    /// <summary>Before any handler: someone who is not an enterprise user gets 403 (the server would refuse them anyway).</summary>
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (User.Enterprise() is null)
        {
            context.Result = NotAnEnterprise();
            return;
        }
        await next();
    }

    /// <summary>What a person who is not an enterprise user gets: a 403 page (the server would refuse them anyway).</summary>
    protected IActionResult NotAnEnterprise() => Forbidden("此页面仅供企业用户使用。", "This page is for enterprise users.");

    protected Task<CallOptions> AsMeAsync() => Api.AsAsync(HttpContext);

    /// <summary>The county's villages (the registry is public to every signed-in role).</summary>
    protected async Task<List<Village>> VillagesAsync(CallOptions o) =>
        User.County() is { } county ? await Api.AllVillagesAsync(county, o) : [];

    /// <summary>The county's towns.</summary>
    protected async Task<List<Town>> TownsAsync(CallOptions o) =>
        User.County() is { } county ? await Api.AllTownsAsync(county, o) : [];

    /// <summary>
    /// Reads yuan typed by a person as exact fen (see <see cref="TryFen"/>); anything else puts a message next to
    /// <paramref name="field"/>. Empty text is zero unless <paramref name="required"/>.
    /// </summary>
    protected long? Fen(string? text, string field, bool required = false)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0)
        {
            if (!required)
                return 0;
            Errors[field] = Lang.T("请填写金额（元）。", "Enter an amount in yuan.");
            return null;
        }
        if (TryFen(t, out var fen))
            return fen;
        Errors[field] = Lang.T("金额应为不带负号的数字，最多两位小数，如 1234.56。",
            "Enter yuan as a number with at most two decimals and no sign, e.g. 1234.56.");
        return null;
    }

    /// <summary>
    /// Yuan as exact fen, in decimal arithmetic: digits (optionally grouped by commas in threes, e.g. 1,234,567),
    /// then at most two decimals; no sign, no exponent, at most 13 digits before the point.
    /// </summary>
    public static bool TryFen(string text, out long fen)
    {
        fen = 0;
        var t = text.Trim();
        if (!YuanPattern().IsMatch(t))
            return false;
        var digits = t.Replace(",", "", StringComparison.Ordinal);
        if (digits.Split('.')[0].Length > 13)
            return false;
        fen = (long)(decimal.Parse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture) * 100m);
        return true;
    }

    /// <summary>A whole number typed by a person; empty is zero; anything else is a message next to the field.</summary>
    protected int? Whole(string? text, string field)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0)
            return 0;
        if (int.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            return n;
        Errors[field] = Lang.T("应为整数。", "Enter a whole number.");
        return null;
    }

    /// <summary>Fen as a decimal number of yuan, for Excel.</summary>
    public static decimal YuanNumber(long fen) => fen / 100m;

    /// <summary>The numeric id at the end of a resource name (`jobs/12` → 12).</summary>
    public static long IdOf(string name) => long.Parse(name[(name.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);

    protected async Task<List<Linkage>> MyLinkagesAsync(CallOptions o) => await BoyiApi.AllAsync<Linkage>(async t =>
    {
        var r = await Api.Linkages.ListLinkagesAsync(new ListLinkagesRequest { Parent = Me, PageSize = 100, PageToken = t }, o);
        return (r.Linkages, r.NextPageToken);
    });

    protected async Task<List<Job>> MyJobsAsync(CallOptions o) => await BoyiApi.AllAsync<Job>(async t =>
    {
        var r = await Api.Jobs.ListJobsAsync(new ListJobsRequest { Parent = Me, PageSize = 100, PageToken = t }, o);
        return (r.Jobs, r.NextPageToken);
    });

    protected async Task<List<Project>> MyProjectsAsync(CallOptions o) => await BoyiApi.AllAsync<Project>(async t =>
    {
        var r = await Api.Projects.ListProjectsAsync(new ListProjectsRequest { Parent = Me, PageSize = 100, PageToken = t }, o);
        return (r.Projects, r.NextPageToken);
    });

    [GeneratedRegex(@"^([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$")]
    private static partial Regex YuanPattern();
}
