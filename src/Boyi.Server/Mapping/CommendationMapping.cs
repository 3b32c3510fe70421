using Boyi.Infrastructure.Commendations;
using Boyi.Server.Grpc;
using D = Boyi.Domain.Commendations;
using V1 = Boyi.Contracts.V1;

namespace Boyi.Server.Mapping;

/// <summary>Commendation schemes, rounds, standings and awards between the domain/store and the wire.</summary>
public static class CommendationMapping
{
    public static D.CommendationScheme ToDomain(this V1.CommendationScheme s) => new(
        s.Categories.Select(c => new D.CommendationCategory(c.Code, c.NameZh, c.NameEn, c.Cap, c.MinimumScore,
            c.Metrics.Select(m => new D.MetricWeight((D.CommendationMetric)m.Metric, m.MilliPointsPerUnit, m.HasThreshold ? m.Threshold : null)).ToList(),
            c.Benefits.Select(b => new D.Benefit(b.Kind, b.NameZh, b.NameEn, b.ValidityDays)).ToList())).ToList(),
        s.Exclusions.Select(e => (D.ExclusionReason)e).ToList());

    public static V1.CommendationScheme ToProto(this SchemeRecord r)
    {
        var s = new V1.CommendationScheme
        {
            Name = CommendationNames.Scheme(r.CountyId, r.Year), Revision = r.Revision, Frozen = r.Frozen,
            UpdateTime = Wire.Time(r.ChangeTime), Etag = Wire.Etag(r.Revision),
        };
        s.Exclusions.AddRange(r.Scheme.Exclusions.Select(e => (V1.CommendationExclusion)e));
        foreach (var c in r.Scheme.Categories)
        {
            var category = new V1.CommendationCategory { Code = c.Code, NameZh = c.NameZh, NameEn = c.NameEn, Cap = c.Cap, MinimumScore = c.MinimumScore };
            foreach (var m in c.Metrics)
            {
                var w = new V1.CommendationMetricWeight { Metric = (V1.CommendationMetric)m.Metric, MilliPointsPerUnit = m.MilliPointsPerUnit };
                if (m.Threshold is { } t)
                    w.Threshold = t;
                category.Metrics.Add(w);
            }
            category.Benefits.AddRange(c.Benefits.Select(b => new V1.CommendationBenefit { Kind = b.Kind, NameZh = b.NameZh, NameEn = b.NameEn, ValidityDays = b.ValidityDays }));
            s.Categories.Add(category);
        }
        return s;
    }

    public static V1.CommendationSchemeRevision ToRevisionProto(this SchemeRecord r) => new()
    {
        Name = CommendationNames.SchemeRevision(r.CountyId, r.Year, r.Revision), Scheme = r.ToProto(), ChangedBy = r.ChangedBy,
        ChangeTime = Wire.Time(r.ChangeTime), Reason = r.Reason,
    };

    public static V1.CommendationRound ToProto(this RoundRecord r) => new()
    {
        Name = CommendationNames.Round(r.CountyId, r.Id), Year = r.Year, SchemeRevision = CommendationNames.SchemeRevision(r.CountyId, r.Year, r.SchemeRevision),
        CutOff = Wire.Date(r.CutOff), State = (V1.CommendationRoundState)r.State, Etag = Wire.Etag(r.Version),
        OpenedBy = r.OpenedBy, OpenTime = Wire.Time(r.OpenTime), ComputedBy = r.ComputedBy ?? "", ComputeTime = Wire.Time(r.ComputeTime),
        ConfirmedBy = r.ConfirmedBy ?? "", ConfirmTime = Wire.Time(r.ConfirmTime), PublishedBy = r.PublishedBy ?? "", PublishTime = Wire.Time(r.PublishTime),
        ParticipantCount = r.ParticipantCount,
    };

    public static V1.CommendationStanding ToProto(this StandingRecord s, int county, long round, int cap) => new()
    {
        Name = CommendationNames.Standing(county, round, s.EnterpriseId), Enterprise = ResourceNames.Enterprise(s.EnterpriseId),
        EnterpriseDisplayName = s.EnterpriseName, Category = s.Category, Score = s.Score, Rank = s.Rank ?? 0, Eligible = s.Rank is not null,
        NotEligibleReason = s.Because switch
        {
            D.IneligibleBecause.Excluded => "EXCLUDED",
            D.IneligibleBecause.BelowThreshold => "BELOW_THRESHOLD",
            D.IneligibleBecause.BelowMinimumScore => "BELOW_MINIMUM_SCORE",
            _ => "",
        },
        ThresholdMetric = (V1.CommendationMetric)(s.Metric ?? 0), WithinCap = s.Rank is { } rank && rank <= cap,
    };

    public static string SourceName(CommendationSourceKind kind, long id, long? parent = null) => kind switch
    {
        CommendationSourceKind.Delivery => $"{ResourceNames.Project(parent ?? 0)}/deliveries/{id}",
        CommendationSourceKind.Placement => ResourceNames.Placement(id),
        CommendationSourceKind.Household => ResourceNames.Household(id),
        CommendationSourceKind.Village => ResourceNames.Village(id),
        CommendationSourceKind.Linkage => ResourceNames.Linkage(id),
        CommendationSourceKind.Loan => ResourceNames.Loan(id),
        CommendationSourceKind.EnterpriseStatusChange => $"{ResourceNames.Enterprise(parent ?? 0)}/statusChanges/{id}",
        CommendationSourceKind.LinkageStatusChange => $"{ResourceNames.Linkage(parent ?? 0)}/statusChanges/{id}",
        CommendationSourceKind.SubsidyRow => ResourceNames.SubsidyRow(id),
        CommendationSourceKind.Enterprise => ResourceNames.Enterprise(id),
        _ => "",
    };

    public static V1.CommendationRoundExclusion ToProto(this ExclusionRecord x) => new()
    {
        Reason = (V1.CommendationExclusion)x.Reason, Source = SourceName(x.Kind, x.SourceId, x.ParentId), Note = x.Note ?? "",
        ExcludedBy = x.ExcludedBy, ExcludeTime = Wire.Time(x.Time),
    };

    /// <summary>A metric's value, by metric; the rows behind it are added by whoever reads them.</summary>
    public static IEnumerable<V1.CommendationMetricValue> ToProto(this IReadOnlyDictionary<D.CommendationMetric, long> values) =>
        values.OrderBy(kv => kv.Key).Select(kv => new V1.CommendationMetricValue { Metric = (V1.CommendationMetric)kv.Key, Value = kv.Value });

    public static V1.CommendationAward ToProto(this AwardRecord a)
    {
        var award = new V1.CommendationAward
        {
            Name = CommendationNames.Award(a.EnterpriseId, a.Id), Round = CommendationNames.Round(a.CountyId, a.RoundId), Category = a.Category,
            Rank = a.Rank, AwardDate = Wire.Date(a.AwardDate), EnterpriseDisplayName = a.EnterpriseName,
        };
        award.Benefits.AddRange(a.Benefits.Select(b => new V1.CommendationBenefitGrant { Kind = b.Kind, ValidFrom = Wire.Date(b.ValidFrom), ValidUntil = Wire.Date(b.ValidUntil) }));
        return award;
    }
}
