using Boyi.Contracts.V1;
using Boyi.Infrastructure.Compliance;
using Boyi.Infrastructure.Enterprises;
using Boyi.Infrastructure.Provinces;
using Boyi.Server.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Boyi.Server.Mapping;

/// <summary>A province's roll-up as answered: a row per county, and the province's total as the sum of the rows.</summary>
public static class ProvinceMapping
{
    public static RollupParts ToParts(IEnumerable<RollupPart> parts) => parts.Aggregate(RollupParts.None, (all, p) => all | p switch
    {
        RollupPart.Compliance => RollupParts.Compliance,
        RollupPart.Loans => RollupParts.Loans,
        RollupPart.Enterprises => RollupParts.Enterprises,
        _ => RollupParts.None,
    });

    public static AreaRollup ToProto(this CountyRollup c) => new()
    {
        Area = ResourceNames.County(c.CountyId),
        DisplayName = c.DisplayName,
        Households = c.Households,
        Paired = c.Paired,
        Unpaired = c.Households - c.Paired,
        TargetPeople = c.Exits.TargetPeople,
        TargetHouseholds = c.Exits.TargetHouseholds,
        TargetVillages = c.Exits.TargetVillages,
        HasTarget = c.Exits.HasTarget,
        ExitedPeople = c.Exits.People,
        ExitedHouseholds = c.Exits.Households,
        ExitedVillages = c.Exits.Villages,
        Compliance = c.Compliance?.ToProto(),
        Loans = c.Loans?.ToProto(),
        Enterprises = c.Enterprises?.ToRollup(),
    };

    public static ContactFigures ToProto(this ContactFigureCounts c) => new()
    {
        HouseholdsVisited = c.HouseholdsVisited, HouseholdsPaired = c.HouseholdsPaired, ContactCardsIssued = c.ContactCardsIssued,
        Pairings = c.Pairings, HelpPlansWritten = c.HelpPlansWritten, HelpPlanGaps = c.HelpPlanGaps,
        HouseholdsNeedingHelp = c.HouseholdsNeedingHelp, ProblemsSolved = c.ProblemsSolved, ProblemsOpen = c.ProblemsOpen,
    };

    private static ComplianceRollup ToProto(this CountyCompliance c) => new()
    {
        YearFigures = c.Year.ToProto(),
        CallsDone = c.Calls,
        VisitsDone = c.Visits,
        OtherMeetingsDone = c.OtherMeetings,
        MonthlyContactsDue = c.MonthlyDue,
        MonthlyContactsMet = c.MonthlyMet,
        MonthlyContactsOverdue = c.MonthlyDue - c.MonthlyMet,
        QuarterlyVisitsDue = c.QuarterlyDue,
        QuarterlyVisitsMet = c.QuarterlyMet,
        QuarterlyVisitsOverdue = c.QuarterlyDue - c.QuarterlyMet,
    };

    private static LoanRollup ToProto(this CountyLoans l) => new()
    {
        LoansActive = l.Active,
        ActivePrincipalFen = l.ActiveFen,
        LoansOverdue = l.Overdue,
        OverduePrincipalFen = l.OverdueFen,
        LoansDefaulted = l.Defaulted,
        DefaultedPrincipalFen = l.DefaultedFen,
        InterestSubsidyPaidFen = l.InterestPaidFen,
        InterestSubsidyUnpaidFen = l.InterestUnpaidFen,
        EmploymentSubsidyPaidFen = l.EmploymentPaidFen,
        EmploymentSubsidyUnpaidFen = l.EmploymentUnpaidFen,
    };

    /// <summary>Linkages by mode and status as the API counts them (GetPartnershipTotals and the roll-up).</summary>
    public static IEnumerable<LinkageTally> Tallies(IEnumerable<LinkageCount> counts) =>
        counts.Select(l => new LinkageTally { Mode = (LinkageMode)(int)l.Mode, Status = (LinkageStatus)(int)l.Status, Count = l.Count });

    private static EnterpriseRollup ToRollup(this Totals t)
    {
        var e = new EnterpriseRollup
        {
            EnterprisesApproved = t.EnterprisesApproved,
            VillagesReached = t.VillagesReached,
            HouseholdsReached = t.HouseholdsReached,
            JobsOffered = t.JobsOffered,
            JobsFilled = t.JobsFilled,
            FundsPledgedFen = t.FundsPledgedFen,
            FundsDeliveredFen = t.FundsDeliveredFen,
        };
        e.Linkages.AddRange(Tallies(t.Linkages));
        return e;
    }

    /// <summary>The province's total: every county's row added (the parts present on the rows, on the total too).</summary>
    public static AreaRollup Total(string area, string name, IReadOnlyList<AreaRollup> counties, RollupParts parts)
    {
        var total = new AreaRollup
        {
            Area = area, DisplayName = name, HasTarget = counties.Any(c => c.HasTarget),
            Compliance = parts.HasFlag(RollupParts.Compliance) ? new ComplianceRollup { YearFigures = new ContactFigures() } : null,
            Loans = parts.HasFlag(RollupParts.Loans) ? new LoanRollup() : null,
            Enterprises = parts.HasFlag(RollupParts.Enterprises) ? new EnterpriseRollup() : null,
        };
        foreach (var c in counties)
        {
            AddTo(total, c);
            if (c.Enterprises is { } e)
                AddLinkages(total.Enterprises!, e);
        }
        return total;
    }

    /// <summary>
    /// Adds every count of <paramref name="part"/> to <paramref name="total"/>, the parts' messages included where the
    /// total has them (strings, flags and lists are left alone): a figure added to the API is in the total at once.
    /// </summary>
    private static void AddTo(IMessage total, IMessage part)
    {
        foreach (var f in part.Descriptor.Fields.InFieldNumberOrder().Where(f => !f.IsRepeated))
        {
            var a = f.Accessor;
            if (f.FieldType == FieldType.Int32)
                a.SetValue(total, (int)a.GetValue(total) + (int)a.GetValue(part));
            else if (f.FieldType == FieldType.Int64)
                a.SetValue(total, (long)a.GetValue(total) + (long)a.GetValue(part));
            else if (f.FieldType == FieldType.Message && a.GetValue(part) is IMessage p && a.GetValue(total) is IMessage t)
                AddTo(t, p);
        }
    }

    /// <summary>The linkage tallies of <paramref name="e"/> added to <paramref name="t"/>'s, by mode and status.</summary>
    private static void AddLinkages(EnterpriseRollup t, EnterpriseRollup e)
    {
        foreach (var l in e.Linkages)
        {
            if (t.Linkages.FirstOrDefault(x => x.Mode == l.Mode && x.Status == l.Status) is { } same)
                same.Count += l.Count;
            else
                t.Linkages.Add(l.Clone());
        }
        var sorted = t.Linkages.OrderBy(x => x.Mode).ThenBy(x => x.Status).ToList();
        t.Linkages.Clear();
        t.Linkages.AddRange(sorted);
    }
}
