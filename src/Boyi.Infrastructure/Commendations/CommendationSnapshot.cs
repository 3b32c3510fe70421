namespace Boyi.Infrastructure.Commendations;

/// <summary>What a snapshot row (a source or an exclusion) points at.</summary>
public enum CommendationSourceKind : short
{
    None = 0,
    Delivery = 1,
    Placement = 2,
    Household = 3,
    Village = 4,
    Linkage = 5,
    Loan = 6,
    EnterpriseStatusChange = 7,
    LinkageStatusChange = 8,
    /// <summary>A dividend: a row of the subsidy ledger (kind 3).</summary>
    SubsidyRow = 9,
    Enterprise = 10,
}

/// <summary>
/// The snapshot of a round as set-based SQL (docs/commendations.md has the definitions): one statement writes the
/// participants, each with its metric values and the rows behind them, and one the automatic exclusions. Parameters:
/// $1 round id, $2 county, $3 Y-01-01, $4 the cut-off, $5 the automatic exclusions that apply (smallint[]).
/// <see cref="MetricsQuery"/> is the same definitions as one query, for the benchmark and its check.
/// </summary>
public static class CommendationSnapshot
{
    private const string ChinaDate = "AT TIME ZONE 'Asia/Shanghai')::date";

    /// <summary>Enterprises of the county registered by the cut-off and approved (or suspended) at it (a WHERE over <c>e</c>).</summary>
    private const string Participating = $"""
        e.county_id = $2 AND (e.create_time {ChinaDate} <= $4
              AND COALESCE((SELECT s.to_status FROM enterprise_status_changes s
                            WHERE s.enterprise_id = e.id AND (s.change_time {ChinaDate} <= $4
                            ORDER BY s.change_time DESC, s.id DESC LIMIT 1), e.status) IN (2, 4)
        """;

    /// <summary>The source kind of a metric's rows (each metric counts one kind of row; the numbers are the same).</summary>
    public static CommendationSourceKind KindOf(Boyi.Domain.Commendations.CommendationMetric metric) => (CommendationSourceKind)(short)metric;

    /// <summary>
    /// The rows behind each metric of each participant <c>(enterprise, metric, id, value)</c> (the id's kind follows from
    /// the metric: <see cref="KindOf"/>), given a relation <c>p(enterprise_id)</c> of the enterprises and the parameters
    /// $3 (Y-01-01) and $4 (cut-off).
    /// </summary>
    private const string SourceRows = $"""
        mine AS (
            SELECT l.id AS linkage_id, p.enterprise_id FROM linkages l JOIN p ON p.enterprise_id = l.lead_enterprise_id
            UNION
            SELECT lp.linkage_id, p.enterprise_id FROM linkage_participants lp JOIN p ON p.enterprise_id = lp.enterprise_id WHERE lp.state = 2),
        in_force AS (
            SELECT m.enterprise_id, l.id FROM mine m JOIN linkages l ON l.id = m.linkage_id
            WHERE l.status IN (2, 4, 5) AND l.start_date <= $4 AND l.end_date >= $3),
        delivered AS (
            SELECT pr.enterprise_id, d.id, d.amount_fen, pr.village_id
            FROM projects pr JOIN p ON p.enterprise_id = pr.enterprise_id JOIN deliveries d ON d.project_id = pr.id
            WHERE d.date BETWEEN $3 AND $4),
        guaranteed AS (
            SELECT l.guarantor_id AS enterprise_id, l.id, l.household_id, l.default_date
            FROM loans l JOIN p ON p.enterprise_id = l.guarantor_id
            WHERE l.disbursement_date <= $4 AND (l.repayment_date IS NULL OR l.repayment_date >= $3)),
        reached AS (
            SELECT pl.enterprise_id, pl.household_id FROM placements pl JOIN p ON p.enterprise_id = pl.enterprise_id
            WHERE pl.start_date <= $4 AND (pl.end_date IS NULL OR pl.end_date >= $3)
            UNION
            SELECT f.enterprise_id, t.household_id FROM in_force f JOIN linkage_targets t ON t.linkage_id = f.id WHERE t.household_id IS NOT NULL
            UNION
            SELECT g.enterprise_id, g.household_id FROM guaranteed g),
        rows AS (
            SELECT enterprise_id, 1 AS metric, id, amount_fen AS value FROM delivered
            UNION ALL
            SELECT pl.enterprise_id, 2, pl.id, 1 FROM placements pl JOIN p ON p.enterprise_id = pl.enterprise_id
            WHERE (pl.start_date + interval '6 months')::date BETWEEN $3 AND $4
              AND (pl.end_date IS NULL OR pl.end_date >= (pl.start_date + interval '6 months')::date)
            UNION ALL
            SELECT enterprise_id, 3, household_id, 1 FROM reached
            UNION ALL
            SELECT enterprise_id, 4, village_id, 1 FROM (
                SELECT enterprise_id, village_id FROM delivered
                UNION
                SELECT f.enterprise_id, t.village_id FROM in_force f JOIN linkage_targets t ON t.linkage_id = f.id WHERE t.village_id IS NOT NULL
                UNION
                SELECT r.enterprise_id, h.village_id FROM reached r JOIN households h ON h.id = r.household_id) v
            UNION ALL
            SELECT DISTINCT m.enterprise_id, 5, m.linkage_id, 1 FROM mine m
            JOIN linkage_status_changes c ON c.linkage_id = m.linkage_id
            WHERE c.to_status = 5 AND (c.change_time {ChinaDate} BETWEEN $3 AND $4
            UNION ALL
            SELECT enterprise_id, 6, id, 1 FROM guaranteed WHERE default_date IS NULL OR default_date > $4)
        """;

    /// <summary>
    /// The participants, each with its six values (funds summed in numeric, so no enterprise's data can overflow them)
    /// and, per metric, the ids of the rows behind the value (<see cref="CommendationSchema"/>): one INSERT of a row per
    /// enterprise, planned as <see cref="MetricsQuery"/> is, with arrays aggregated beside the sums.
    /// </summary>
    public const string Snapshot = $"""
        WITH p AS (SELECT e.id AS enterprise_id, (e.create_time {ChinaDate} AS registered FROM enterprises e WHERE {Participating}),
        {SourceRows}
        INSERT INTO commendation_participants (round_id, enterprise_id, registered, funds_delivered_fen, people_kept_six_months,
            households_reached, villages_reached, linkages_completed, loans_without_default,
            delivery_ids, delivery_fen, placement_ids, household_ids, village_ids, linkage_ids, loan_ids)
        SELECT $1, p.enterprise_id, p.registered,
            LEAST(COALESCE(SUM(r.value::numeric) FILTER (WHERE r.metric = 1), 0), 9223372036854775807)::bigint,
            COUNT(r.id) FILTER (WHERE r.metric = 2), COUNT(r.id) FILTER (WHERE r.metric = 3), COUNT(r.id) FILTER (WHERE r.metric = 4),
            COUNT(r.id) FILTER (WHERE r.metric = 5), COUNT(r.id) FILTER (WHERE r.metric = 6),
            COALESCE(array_agg(r.id) FILTER (WHERE r.metric = 1), ARRAY[]::bigint[]), COALESCE(array_agg(r.value) FILTER (WHERE r.metric = 1), ARRAY[]::bigint[]),
            COALESCE(array_agg(r.id) FILTER (WHERE r.metric = 2), ARRAY[]::bigint[]), COALESCE(array_agg(r.id) FILTER (WHERE r.metric = 3), ARRAY[]::bigint[]),
            COALESCE(array_agg(r.id) FILTER (WHERE r.metric = 4), ARRAY[]::bigint[]), COALESCE(array_agg(r.id) FILTER (WHERE r.metric = 5), ARRAY[]::bigint[]),
            COALESCE(array_agg(r.id) FILTER (WHERE r.metric = 6), ARRAY[]::bigint[])
        FROM p LEFT JOIN rows r ON r.enterprise_id = p.enterprise_id
        GROUP BY p.enterprise_id, p.registered
        """;

    /// <summary>The rows behind a participant's metrics <c>(metric, id, value, project of a delivery)</c> by metric and id: $1 round, $2 enterprise.</summary>
    public const string SourcesOf = """
        SELECT x.metric, x.id, x.value, d.project_id FROM commendation_participants cp
        CROSS JOIN LATERAL (
            SELECT 1 AS metric, u.id, u.value FROM unnest(cp.delivery_ids, cp.delivery_fen) u (id, value)
            UNION ALL SELECT 2, u.id, 1 FROM unnest(cp.placement_ids) u (id)
            UNION ALL SELECT 3, u.id, 1 FROM unnest(cp.household_ids) u (id)
            UNION ALL SELECT 4, u.id, 1 FROM unnest(cp.village_ids) u (id)
            UNION ALL SELECT 5, u.id, 1 FROM unnest(cp.linkage_ids) u (id)
            UNION ALL SELECT 6, u.id, 1 FROM unnest(cp.loan_ids) u (id)) x
        LEFT JOIN deliveries d ON x.metric = 1 AND d.id = x.id
        WHERE cp.round_id = $1 AND cp.enterprise_id = $2 ORDER BY x.metric, x.id
        """;

    /// <summary>The automatic exclusions that apply ($5), each with the row behind it.</summary>
    public const string Exclusions = $"""
        WITH p AS (SELECT enterprise_id FROM commendation_participants WHERE round_id = $1),
        mine AS (
            SELECT l.id AS linkage_id, p.enterprise_id FROM linkages l JOIN p ON p.enterprise_id = l.lead_enterprise_id
            UNION
            SELECT lp.linkage_id, p.enterprise_id FROM linkage_participants lp JOIN p ON p.enterprise_id = lp.enterprise_id WHERE lp.state = 2),
        found AS (
            SELECT s.enterprise_id, 1 AS reason, 7 AS kind, s.id FROM enterprise_status_changes s JOIN p ON p.enterprise_id = s.enterprise_id
            WHERE s.to_status = 4 AND (s.change_time {ChinaDate} BETWEEN $3 AND $4
            UNION ALL
            SELECT b.enterprise_id, 1, 7, b.id FROM (
                SELECT DISTINCT ON (s.enterprise_id) s.enterprise_id, s.id, s.to_status
                FROM enterprise_status_changes s JOIN p ON p.enterprise_id = s.enterprise_id
                WHERE (s.change_time {ChinaDate} < $3 ORDER BY s.enterprise_id, s.change_time DESC, s.id DESC) b
            WHERE b.to_status = 4
            UNION ALL
            SELECT e.id, 1, 10, e.id FROM enterprises e JOIN p ON p.enterprise_id = e.id
            WHERE e.status = 4 AND NOT EXISTS (SELECT 1 FROM enterprise_status_changes s WHERE s.enterprise_id = e.id)
            UNION ALL
            SELECT m.enterprise_id, 2, 8, c.id FROM mine m JOIN linkage_status_changes c ON c.linkage_id = m.linkage_id
            WHERE c.to_status = 6 AND (c.change_time {ChinaDate} BETWEEN $3 AND $4
              AND NOT EXISTS (SELECT 1 FROM users u WHERE 'user:' || u.id = c.actor AND u.enterprise_id IS NOT NULL)
            UNION ALL
            SELECT l.guarantor_id, 3, 6, l.id FROM loans l JOIN p ON p.enterprise_id = l.guarantor_id
            WHERE l.default_date BETWEEN $3 AND $4
            UNION ALL
            SELECT l.guarantor_id, 4, 9, d.id FROM subsidy_ledger d
            JOIN loans l ON l.id = d.loan_id JOIN p ON p.enterprise_id = l.guarantor_id JOIN loan_schemes s ON s.id = l.scheme_id
            WHERE d.kind = 3 AND d.corrects_id IS NULL AND d.accrual_date + s.dividend_grace_days < $4
              AND NOT EXISTS (SELECT 1 FROM dividend_payments dp WHERE dp.ledger_id = d.id AND dp.paid_date <= $4))
        INSERT INTO commendation_exclusions (round_id, enterprise_id, reason, source_kind, source_id, note, excluded_by, exclude_time)
        SELECT DISTINCT $1, enterprise_id, reason, kind, id, NULL::varchar, 'system', $6 FROM found WHERE reason = ANY($5)
        """;

    /// <summary>
    /// The six metrics of every enterprise of the county as one query, by the same definitions (the benchmark's
    /// denominator, and its check that the round stored the same values): $2 county, $3 Y-01-01, $4 cut-off.
    /// </summary>
    public const string MetricsQuery = $"""
        WITH p AS (SELECT e.id AS enterprise_id FROM enterprises e WHERE {Participating}),
        {SourceRows}
        SELECT p.enterprise_id,
            COALESCE(SUM(r.value::numeric) FILTER (WHERE r.metric = 1), 0)::bigint,
            COUNT(r.id) FILTER (WHERE r.metric = 2), COUNT(r.id) FILTER (WHERE r.metric = 3), COUNT(r.id) FILTER (WHERE r.metric = 4),
            COUNT(r.id) FILTER (WHERE r.metric = 5), COUNT(r.id) FILTER (WHERE r.metric = 6)
        FROM p LEFT JOIN rows r ON r.enterprise_id = p.enterprise_id
        GROUP BY p.enterprise_id ORDER BY p.enterprise_id
        """;
}
