namespace Boyi.Infrastructure.Households;

/// <summary>
/// <c>households</c> partitioned by county: <c>PARTITION BY RANGE (id)</c>, one partition per county
/// (<c>households_{county}</c> holding <c>Ids.HouseholdsOfCounty</c>, since a household id is its village code
/// extended) and <c>households_default</c> for any id outside them, so that no insert can fail for want of a partition.
/// The primary key stays <c>id</c> (it contains the partition key, so it stays a valid unique constraint), every
/// query stays as it was, and a county-scoped query (<c>id &gt;= $1 AND id &lt; $2</c>) reads its county's partition
/// only (pruned at planning, or at executor start for a prepared statement's generic plan). docs/province.md,
/// "Partitions".
/// </summary>
/// <remarks>
/// <para>A county added later gets its partition from the database itself: a row trigger on <c>counties</c> calls
/// <c>households_add_county_partition(county)</c>, a SECURITY DEFINER function owned by the owner (the app role
/// may not create tables), so every path that creates a county — <c>CreateCounty</c>, the demo seeder, an operator's
/// SQL — creates its partition in the same transaction. The partition is created as a plain table and then attached:
/// <c>ATTACH PARTITION</c> takes only SHARE UPDATE EXCLUSIVE on <c>households</c> (readers and writers of the other
/// counties go on), plus a brief ACCESS EXCLUSIVE on the empty default partition, which it checks for rows of the
/// new range.</para>
/// <para>Only <c>households</c> is partitioned. The other big tables keep unique indexes without their key:
/// <c>household_members</c> the national one-live-card-per-person rule (<c>ux_household_members_id_card_live</c> on
/// the ID-card hash), <c>pairings</c> one active pairing per household, <c>contact_records</c> the card numbers; a
/// partitioned table can only enforce uniqueness that includes its partition key, so those stay plain tables.</para>
/// <para>The conversion rebuilds the table whatever refers to it: the foreign keys that point at it, its own foreign
/// keys, indexes, constraints, triggers and grants are read from the catalog before and recreated after, so a later
/// migration that adds one more referencing table needs no change here; <see cref="UnpartitionSql"/> is the same
/// rebuild into a plain table.</para>
/// </remarks>
public static class HouseholdPartitions
{
    /// <summary>Converts <c>households</c> into a partitioned table with a partition per county in <c>counties</c>.</summary>
    public static string PartitionSql => Rebuild(partitioned: true) + AddCountyPartitionSql;

    /// <summary>Converts it back into a plain table (the migration's Down), every row kept.</summary>
    public static string UnpartitionSql => """
        DROP TRIGGER counties_households_partition ON counties;
        DROP FUNCTION counties_households_partition();
        DROP FUNCTION households_add_county_partition(integer);

        """ + Rebuild(partitioned: false);

    /// <summary>The function that gives a county its partition (idempotent), and the trigger that calls it for every new county.</summary>
    private const string AddCountyPartitionSql = """
        CREATE FUNCTION households_add_county_partition(county integer) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE
            part text := 'households_' || county;
        BEGIN
            IF to_regclass(part) IS NOT NULL THEN
                RETURN;
            END IF;
            EXECUTE format('CREATE TABLE %I (LIKE households INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', part);
            EXECUTE format('ALTER TABLE households ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                part, county::bigint * 100000000000, (county::bigint + 1) * 100000000000);
        END $$;

        CREATE FUNCTION counties_households_partition() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
            PERFORM households_add_county_partition(NEW.id);
            RETURN NULL;
        END $$;

        CREATE TRIGGER counties_households_partition AFTER INSERT ON counties
            FOR EACH ROW EXECUTE FUNCTION counties_households_partition();

        """;

    /// <summary>The end of the new table's CREATE TABLE when it is partitioned, and its partitions: the counties' and the default.</summary>
    private const string CountyPartitionsSql = """
                PARTITION BY RANGE (id);
            FOR r IN SELECT id FROM counties ORDER BY id LOOP
                EXECUTE format('CREATE TABLE %I PARTITION OF households FOR VALUES FROM (%s) TO (%s)',
                    'households_' || r.id, r.id::bigint * 100000000000, (r.id::bigint + 1) * 100000000000);
            END LOOP;
            CREATE TABLE households_default PARTITION OF households DEFAULT;

        """;

    /// <summary>
    /// Rebuilds <c>households</c> as a partitioned (by county) or plain table: the definitions of what names the
    /// table by its oid (foreign keys to and from it, primary key, indexes, triggers, grants) are kept, the table is
    /// renamed away, the new one created LIKE it (columns, defaults, NOT NULL and CHECK constraints), the rows copied
    /// (no trigger on the new table yet: the coverage counters already count them), the old table dropped and the
    /// kept definitions run again against the new table under the old name. One transaction (the migration's).
    /// </summary>
    private static string Rebuild(bool partitioned) => """
        DO $rebuild$
        DECLARE
            t regclass := 'households'::regclass;
            recreate text[];
            r record;
            s text;
        BEGIN
            -- Keys first (primary key, then the foreign keys to and from the table), then indexes, triggers, grants.
            SELECT array_agg(d ORDER BY o, n) INTO recreate FROM (
                SELECT 1 AS o, conname::text AS n, format('ALTER TABLE households ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid)) AS d
                  FROM pg_constraint WHERE conrelid = t AND contype IN ('p', 'u', 'x')
                UNION ALL
                SELECT 2, conname, format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
                  FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND (confrelid = t OR conrelid = t)
                UNION ALL
                SELECT 3, c.relname, replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
                  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE i.indrelid = t AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = t)
                UNION ALL
                SELECT 4, tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = t AND NOT tgisinternal AND tgparentid = 0
                UNION ALL
                SELECT 5, a.grantee::regrole::text, format('GRANT %s ON households TO %s%s', a.privilege_type,
                         CASE a.grantee WHEN 0 THEN 'PUBLIC' ELSE quote_ident(a.grantee::regrole::text) END,
                         CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
                  FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = t AND a.grantee <> c.relowner
            ) d;

            FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
                      WHERE contype = 'f' AND conparentid = 0 AND confrelid = t AND conrelid <> t LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
            END LOOP;
            ALTER TABLE households RENAME TO households_rebuilt;
            CREATE TABLE households (LIKE households_rebuilt INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)
        """ + (partitioned ? CountyPartitionsSql : ";\n") + """
            INSERT INTO households SELECT * FROM households_rebuilt;
            DROP TABLE households_rebuilt;

            FOREACH s IN ARRAY recreate LOOP
                EXECUTE s;
            END LOOP;
        END $rebuild$;
        ANALYZE households;

        """;
}
