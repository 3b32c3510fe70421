using System.Globalization;
using Boyi.Contracts.V1;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>Words and numbers shared by the commendation pages (the enterprise's and the staff's).</summary>
public static class CommendationLabels
{
    /// <summary>Metrics in the order the pages and the export list them.</summary>
    public static readonly CommendationMetric[] Metrics =
    [
        CommendationMetric.FundsDelivered, CommendationMetric.PeopleKeptSixMonths, CommendationMetric.HouseholdsReached,
        CommendationMetric.VillagesReached, CommendationMetric.LinkagesCompleted, CommendationMetric.LoansWithoutDefault,
    ];

    public static string Metric(CommendationMetric m) => m switch
    {
        CommendationMetric.FundsDelivered => Lang.T("到位资金（元）", "Funds delivered (yuan)"),
        CommendationMetric.PeopleKeptSixMonths => Lang.T("稳定就业满六个月（人）", "People kept six months"),
        CommendationMetric.HouseholdsReached => Lang.T("带动农户（户）", "Households reached"),
        CommendationMetric.VillagesReached => Lang.T("帮扶村（个）", "Villages reached"),
        CommendationMetric.LinkagesCompleted => Lang.T("完成联村帮扶（项）", "Linkages completed"),
        CommendationMetric.LoansWithoutDefault => Lang.T("担保贷款无违约（笔）", "Guaranteed loans without default"),
        _ => m.ToString(),
    };

    /// <summary>A metric's value as the person reads it: funds in yuan, the rest counts.</summary>
    public static string Value(CommendationMetric m, long value) =>
        m == CommendationMetric.FundsDelivered ? Lang.Yuan(value) : Lang.Number(value);

    /// <summary>A metric's value for Excel: funds as yuan (exact), the rest counts.</summary>
    public static object Cell(CommendationMetric m, long value) =>
        m == CommendationMetric.FundsDelivered ? new Excel.Yuan(value) : value;

    /// <summary>The unit a weight is per.</summary>
    public static string Unit(CommendationMetric m) =>
        m == CommendationMetric.FundsDelivered ? Lang.T("每万元", "per 10,000 yuan") : Lang.T("每个", "each");

    /// <summary>The same unit in plain words, naming what is counted (the scheme page read by everyone of the county).</summary>
    public static string PlainUnit(CommendationMetric m) => m switch
    {
        CommendationMetric.FundsDelivered => Lang.T("每到位 1 万元", "per 10,000 yuan delivered"),
        CommendationMetric.PeopleKeptSixMonths => Lang.T("每稳定就业满六个月 1 人", "per person kept in work six months"),
        CommendationMetric.HouseholdsReached => Lang.T("每带动 1 户", "per household reached"),
        CommendationMetric.VillagesReached => Lang.T("每帮扶 1 个村", "per village reached"),
        CommendationMetric.LinkagesCompleted => Lang.T("每完成 1 项联村帮扶", "per linkage completed"),
        CommendationMetric.LoansWithoutDefault => Lang.T("每笔无违约的担保贷款", "per guaranteed loan without default"),
        _ => Unit(m),
    };

    /// <summary>A metric's weight as points for its unit, in plain words ("1.000 分 / 每到位 1 万元").</summary>
    public static string Weight(CommendationMetricWeight w) =>
        Lang.T($"{Score(w.MilliPointsPerUnit)} 分／{PlainUnit(w.Metric)}", $"{Score(w.MilliPointsPerUnit)} points {PlainUnit(w.Metric)}");

    /// <summary>A score in milli-points as points with three decimals (the server's integer, shown exactly).</summary>
    public static string Score(long milliPoints) => (milliPoints / 1000m).ToString("N3", CultureInfo.CurrentCulture);

    public static string State(CommendationRoundState s) => s switch
    {
        CommendationRoundState.Open => Lang.T("已开启（待计算）", "Open (not computed)"),
        CommendationRoundState.Computed => Lang.T("已计算（审核中）", "Computed (in review)"),
        CommendationRoundState.Confirmed => Lang.T("已复核确认", "Confirmed"),
        CommendationRoundState.Published => Lang.T("已公布", "Published"),
        _ => "",
    };

    public static string Exclusion(CommendationExclusion e) => e switch
    {
        CommendationExclusion.Suspended => Lang.T("年内曾被暂停", "Suspended in the year"),
        CommendationExclusion.LinkageTerminatedByCounty => Lang.T("联村帮扶被县乡终止", "A linkage terminated by the county"),
        CommendationExclusion.LoanDefaulted => Lang.T("担保贷款违约", "A guaranteed loan defaulted"),
        CommendationExclusion.DividendOverdue => Lang.T("股息逾期未付", "A dividend overdue"),
        CommendationExclusion.ByReview => Lang.T("审核排除", "Excluded on review"),
        _ => "",
    };

    /// <summary>Why a standing is not eligible, in words.</summary>
    public static string NotEligible(CommendationStanding s) => s.NotEligibleReason switch
    {
        "" => "",
        "EXCLUDED" => Lang.T("已排除", "Excluded"),
        "BELOW_THRESHOLD" => Lang.T($"未达门槛：{Metric(s.ThresholdMetric)}", $"Below the threshold of {Metric(s.ThresholdMetric)}"),
        "BELOW_MINIMUM_SCORE" => Lang.T("低于最低分", "Below the minimum score"),
        var other => other,
    };

    /// <summary>A category's name in the person's language; the code when the scheme does not know it.</summary>
    public static string Category(CommendationScheme? scheme, string code) =>
        scheme?.Categories.FirstOrDefault(c => c.Code == code) is { } c ? Lang.T(c.NameZh, c.NameEn) : code;

    /// <summary>A benefit kind's name from the scheme; the kind itself otherwise.</summary>
    public static string Benefit(CommendationScheme? scheme, string kind) =>
        scheme?.Categories.SelectMany(c => c.Benefits).FirstOrDefault(b => b.Kind == kind) is { } b ? Lang.T(b.NameZh, b.NameEn) : kind;

    /// <summary>The id at the end of a resource name (`counties/450923/commendationRounds/7` → 7).</summary>
    public static string IdOf(string name) => name[(name.LastIndexOf('/') + 1)..];

    /// <summary>The scheme of a round: `counties/{c}/commendationSchemes/{year}` from the revision it keeps.</summary>
    public static string SchemeOf(CommendationRound round) => round.SchemeRevision[..round.SchemeRevision.IndexOf("/revisions/", StringComparison.Ordinal)];

    /// <summary>The portal address of an award's printable certificate (its resource name).</summary>
    public static string CertificatePath(CommendationAward a) => $"/{a.Name}";

    /// <summary>Today (China) within a benefit's validity.</summary>
    public static bool Valid(CommendationBenefitGrant b, DateOnly today) =>
        new DateOnly(b.ValidFrom.Year, b.ValidFrom.Month, b.ValidFrom.Day) <= today && today <= new DateOnly(b.ValidUntil.Year, b.ValidUntil.Month, b.ValidUntil.Day);
}
