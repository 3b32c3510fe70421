using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Compliance;

/// <summary>
/// What compliance needs of one pairing's contact records of one calendar year, kept by the database in the
/// transaction that writes the records (<see cref="ContactTalliesSchema"/>), so that a county's compliance reads
/// ≈ 26,000 of these instead of ≈ 400,000 records and ≈ 200,000 occasions: the contacts counted per month and kind,
/// and each occasion named by a home visit with the visit's date (what a must-visit is met by). Derived data only:
/// nothing but the triggers writes it, and <see cref="ContactTalliesSchema.RecomputeSql"/> rebuilds it.
/// </summary>
public sealed class ContactTallyRow
{
    public long PairingId { get; set; }
    public int Year { get; set; }
    public int CountyId { get; set; }
    /// <summary>36 counts: index (month − 1) × 3 + kind − 1 (kinds 1 call, 2 home visit, 3 other meeting).</summary>
    public required int[] Counts { get; set; }
    /// <summary>For each occasion a home visit names, in date order: the visit's China date, the occasion's kind and reference.</summary>
    public required DateOnly[] VisitDates { get; set; }
    public required short[] OccasionKinds { get; set; }
    public required string?[] OccasionReferences { get; set; }
}

public sealed class ContactTallyConfiguration : IEntityTypeConfiguration<ContactTallyRow>
{
    public void Configure(EntityTypeBuilder<ContactTallyRow> e)
    {
        e.ToTable("contact_tallies");
        // A county's rows are one range of the key (pairing ids start with the county). No foreign key to pairings:
        // only the triggers write a row, from records that reference the pairing already.
        e.HasKey(x => new { x.PairingId, x.Year });
        e.Property(x => x.OccasionReferences).HasColumnType("text[]");
        e.ToTable(t => t.HasCheckConstraint("ck_contact_tallies_shape",
            "cardinality(counts) = 36 AND cardinality(visit_dates) = cardinality(occasion_kinds) " +
            "AND cardinality(visit_dates) = cardinality(occasion_references)"));
    }
}

/// <summary>
/// The triggers that keep <c>contact_tallies</c> (<see cref="ContactTallyRow"/>) equal to what the records say,
/// applied by the migration Initial (release 2026.12: frozen like it, so a change is new SQL in a new migration). Statement-level triggers with transition tables on
/// <c>contact_records</c> and <c>contact_occasions</c> (insert, update, delete; COPY fires them too) collect the
/// pairing-years the statement touched and recompute those rows from the records, in the writing transaction: every
/// writer is covered (the contact service's insert and correction, the demo's COPY, deletions, the benchmark's SQL),
/// and a COPY of a county's year pays one set-based recomputation per statement, not one per row.
/// <para>
/// Concurrent writers of the same pairing-year are serialised on its row: the recomputation first inserts the missing
/// rows (waiting for another transaction's uncommitted insert of the same key) and locks them all in key order, then
/// recomputes in a later statement, whose snapshot (READ COMMITTED, as every writer runs) sees what the other
/// transaction committed. Without the lock, two contacts entered at once for one pairing would each recompute without
/// the other's. A pairing-year left without records loses its row. TRUNCATE of the records empties the table.
/// </para>
/// </summary>
public static class ContactTalliesSchema
{
    /// <summary>
    /// The recomputation of the given pairing-years from the records (<c>k</c>: pairing_id, household_id, county_id,
    /// year) as <c>t</c>, one row per key, its counts null when no record is left. Every join of <c>t</c> goes by a key
    /// (the planner sees a CTE's rows as few, and an anti-join against one would compare every pair).
    /// </summary>
    private static readonly string Recompute = $$"""
        r AS (
            SELECT k.pairing_id, k.year, c.id, c.kind, c.occur_date, (extract(month FROM c.occur_date)::int - 1) * 3 + c.kind - 1 AS slot
            FROM k JOIN contact_records c ON c.household_id = k.household_id AND c.pairing_id = k.pairing_id
                AND c.occur_date >= make_date(k.year, 1, 1) AND c.occur_date < make_date(k.year + 1, 1, 1)),
        n AS (
            SELECT pairing_id, year,
                ARRAY[{{string.Join(", ", Enumerable.Range(0, 36).Select(s => $"count(*) FILTER (WHERE slot = {s})"))}}]::int[] AS counts
            FROM r GROUP BY pairing_id, year),
        o AS (
            SELECT r.pairing_id, r.year, array_agg(r.occur_date ORDER BY r.occur_date, r.id, o.position) AS dates,
                array_agg(o.kind ORDER BY r.occur_date, r.id, o.position) AS kinds,
                array_agg(o.reference::text ORDER BY r.occur_date, r.id, o.position) AS refs
            FROM r JOIN contact_occasions o ON o.record_id = r.id WHERE r.kind = 2 GROUP BY r.pairing_id, r.year),
        t AS (
            SELECT k.pairing_id, k.year, k.county_id, n.counts, coalesce(o.dates, '{}') AS dates, coalesce(o.kinds, '{}') AS kinds,
                coalesce(o.refs, '{}') AS refs
            FROM k LEFT JOIN n ON n.pairing_id = k.pairing_id AND n.year = k.year
            LEFT JOIN o ON o.pairing_id = k.pairing_id AND o.year = k.year)
        """;

    /// <summary>
    /// Every pairing-year's row as the records say it should be (pairing_id, year, county_id, counts, visit_dates,
    /// occasion_kinds, occasion_references): what the table must equal (the tests compare them).
    /// </summary>
    public static readonly string RecomputeSql = $"""
        WITH k AS (SELECT DISTINCT pairing_id, household_id, county_id, extract(year FROM occur_date)::int AS year FROM contact_records),
        {Recompute}
        SELECT pairing_id, year, county_id, counts, dates, kinds, refs FROM t WHERE counts IS NOT NULL
        """;

    public static readonly string CreateSql = $$"""
        CREATE FUNCTION contact_tallies_refresh(pairings bigint[], households bigint[], counties int[], years int[]) RETURNS void
        LANGUAGE plpgsql AS $fn$
        BEGIN
            -- Lock the pairing-years (see ContactTalliesSchema), then recompute them in a statement of its own. EXECUTE
            -- plans each call for its own keys: one visit's pairing, or a COPY's whole county.
            INSERT INTO contact_tallies (pairing_id, year, county_id, counts, visit_dates, occasion_kinds, occasion_references)
            SELECT DISTINCT k.p, k.y, k.c, array_fill(0, ARRAY[36]), '{}'::date[], '{}'::smallint[], '{}'::text[]
            FROM unnest(pairings, counties, years) AS k(p, c, y) ORDER BY 1, 2
            ON CONFLICT (pairing_id, year) DO NOTHING;
            PERFORM 1 FROM contact_tallies t JOIN unnest(pairings, years) AS k(p, y) ON t.pairing_id = k.p AND t.year = k.y
            ORDER BY t.pairing_id, t.year FOR UPDATE OF t;
            EXECUTE $sql$
                WITH k AS (SELECT DISTINCT * FROM unnest($1, $2, $3, $4) AS k(pairing_id, household_id, county_id, year)),
                {{Recompute}},
                gone AS (
                    DELETE FROM contact_tallies x USING t WHERE x.pairing_id = t.pairing_id AND x.year = t.year AND t.counts IS NULL)
                UPDATE contact_tallies x SET county_id = t.county_id, counts = t.counts, visit_dates = t.dates, occasion_kinds = t.kinds,
                    occasion_references = t.refs
                FROM t WHERE x.pairing_id = t.pairing_id AND x.year = t.year AND t.counts IS NOT NULL
            $sql$ USING pairings, households, counties, years;
        END $fn$;

        -- Transition tables are named new_rows and old_rows on every trigger below (one trigger per event: PostgreSQL
        -- allows transition tables only on single-event triggers).
        CREATE FUNCTION contact_records_tallies() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE p bigint[]; h bigint[]; c int[]; y int[];
        BEGIN
            IF TG_OP = 'INSERT' THEN
                SELECT array_agg(pairing_id), array_agg(household_id), array_agg(county_id), array_agg(year) INTO p, h, c, y
                FROM (SELECT DISTINCT pairing_id, household_id, county_id, extract(year FROM occur_date)::int AS year FROM new_rows) k;
            ELSIF TG_OP = 'DELETE' THEN
                SELECT array_agg(pairing_id), array_agg(household_id), array_agg(county_id), array_agg(year) INTO p, h, c, y
                FROM (SELECT DISTINCT pairing_id, household_id, county_id, extract(year FROM occur_date)::int AS year FROM old_rows) k;
            ELSE
                -- Only what counts: a new date, kind or pairing (a photo added changes none of them).
                SELECT array_agg(pairing_id), array_agg(household_id), array_agg(county_id), array_agg(year) INTO p, h, c, y
                FROM (SELECT DISTINCT x.* FROM old_rows o JOIN new_rows n ON n.id = o.id
                    CROSS JOIN LATERAL (VALUES (o.pairing_id, o.household_id, o.county_id, extract(year FROM o.occur_date)::int),
                                               (n.pairing_id, n.household_id, n.county_id, extract(year FROM n.occur_date)::int))
                        AS x(pairing_id, household_id, county_id, year)
                    WHERE (o.pairing_id, o.household_id, o.occur_date, o.kind) IS DISTINCT FROM (n.pairing_id, n.household_id, n.occur_date, n.kind)) k;
            END IF;
            IF p IS NOT NULL THEN
                PERFORM contact_tallies_refresh(p, h, c, y);
            END IF;
            RETURN NULL;
        END $fn$;

        -- Occasions count only on home visits; a record deleted with its occasions is refreshed by the records' trigger.
        CREATE FUNCTION contact_occasions_tallies() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE p bigint[]; h bigint[]; c int[]; y int[];
        BEGIN
            IF TG_OP = 'INSERT' THEN
                SELECT array_agg(pairing_id), array_agg(household_id), array_agg(county_id), array_agg(year) INTO p, h, c, y
                FROM (SELECT DISTINCT r.pairing_id, r.household_id, r.county_id, extract(year FROM r.occur_date)::int AS year
                    FROM (SELECT DISTINCT record_id FROM new_rows) o JOIN contact_records r ON r.id = o.record_id WHERE r.kind = 2) k;
            ELSIF TG_OP = 'DELETE' THEN
                SELECT array_agg(pairing_id), array_agg(household_id), array_agg(county_id), array_agg(year) INTO p, h, c, y
                FROM (SELECT DISTINCT r.pairing_id, r.household_id, r.county_id, extract(year FROM r.occur_date)::int AS year
                    FROM (SELECT DISTINCT record_id FROM old_rows) o JOIN contact_records r ON r.id = o.record_id WHERE r.kind = 2) k;
            ELSE
                SELECT array_agg(pairing_id), array_agg(household_id), array_agg(county_id), array_agg(year) INTO p, h, c, y
                FROM (SELECT DISTINCT r.pairing_id, r.household_id, r.county_id, extract(year FROM r.occur_date)::int AS year
                    FROM (SELECT record_id FROM old_rows UNION SELECT record_id FROM new_rows) o JOIN contact_records r ON r.id = o.record_id
                    WHERE r.kind = 2) k;
            END IF;
            IF p IS NOT NULL THEN
                PERFORM contact_tallies_refresh(p, h, c, y);
            END IF;
            RETURN NULL;
        END $fn$;

        CREATE FUNCTION contact_records_tallies_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
            DELETE FROM contact_tallies;
            RETURN NULL;
        END $fn$;

        CREATE TRIGGER contact_records_tallies_insert AFTER INSERT ON contact_records
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_records_tallies();
        CREATE TRIGGER contact_records_tallies_update AFTER UPDATE ON contact_records
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_records_tallies();
        CREATE TRIGGER contact_records_tallies_delete AFTER DELETE ON contact_records
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_records_tallies();
        CREATE TRIGGER contact_records_tallies_truncate AFTER TRUNCATE ON contact_records
            FOR EACH STATEMENT EXECUTE FUNCTION contact_records_tallies_truncate();
        CREATE TRIGGER contact_occasions_tallies_insert AFTER INSERT ON contact_occasions
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_occasions_tallies();
        CREATE TRIGGER contact_occasions_tallies_update AFTER UPDATE ON contact_occasions
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_occasions_tallies();
        CREATE TRIGGER contact_occasions_tallies_delete AFTER DELETE ON contact_occasions
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_occasions_tallies();
        """;

    public const string DropSql = """
        DROP TRIGGER contact_occasions_tallies_delete ON contact_occasions;
        DROP TRIGGER contact_occasions_tallies_update ON contact_occasions;
        DROP TRIGGER contact_occasions_tallies_insert ON contact_occasions;
        DROP TRIGGER contact_records_tallies_truncate ON contact_records;
        DROP TRIGGER contact_records_tallies_delete ON contact_records;
        DROP TRIGGER contact_records_tallies_update ON contact_records;
        DROP TRIGGER contact_records_tallies_insert ON contact_records;
        DROP FUNCTION contact_records_tallies_truncate();
        DROP FUNCTION contact_occasions_tallies();
        DROP FUNCTION contact_records_tallies();
        DROP FUNCTION contact_tallies_refresh(bigint[], bigint[], int[], int[]);
        """;
}
