using System.Diagnostics;
using System.Globalization;
using Boyi.Domain;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.PersonalData;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// Seeds deterministic demo counties at Bobai's scale straight into PostgreSQL: towns, villages, poor
/// households with their members, cadres under the 865321 rule, pairings covering about 90% of the
/// households that need one, and the counters the application continues from. Everything goes through
/// binary COPY, one transaction per county. A single county (<see cref="SeedAsync"/>, the demo) then gets the money
/// its jobs and people would have made by now (<see cref="DemoMoney"/>), through the application's own stores.
/// </summary>
public static class DemoCountySeeder
{
    private const int ProvinceWriters = 2;

    /// <summary>
    /// Seeds one county, or returns false and writes nothing when the county already exists. The same options
    /// give the same ids, names and numbers on every run; only timestamps (the clock's now), this year's exit
    /// targets and the lifted years follow the clock. The clock must be after the campaign launch (2016-03-10).
    /// </summary>
    public static async Task<bool> SeedAsync(Database database, DemoCountyOptions options, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        options.Check();
        if ((await ExistingCountiesAsync(database, [options.CountyId], ct)).Count > 0)
        {
            options.Log?.Invoke(Invariant($"county {options.CountyId} already exists: nothing seeded"));
            return false;
        }

        var watch = Stopwatch.StartNew();
        var county = await GenerateAsync(database, options, clock, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        county.Contacts = DemoContacts.Generate(county, DemoDutyPolicy.For(now), options.Seed, ChinaTime.Today(clock), now);
        county.Counters.Add(county.Contacts.Counter(county.County.Id));
        var generated = watch.Elapsed;
        if (!await WriteAsync(database, county, options.Log, ct))
            return false;
        var written = watch.Elapsed;
        await AnalyzeAsync(database, ct);
        var analysed = watch.Elapsed;
        // The money the county's jobs and people would have made of the loans by now (one county: not the province's benchmarks).
        if (county.Loans is { } loans)
            await DemoMoney.AddAsync(database, loans, clock, ct);
        options.Log?.Invoke(Invariant(
            $"{county.Describe()}; generated in {generated.TotalSeconds:F2} s, written in {(written - generated).TotalSeconds:F2} s, analysed in {(analysed - written).TotalSeconds:F2} s, ") +
            Invariant($"its money (notifications, placements, subsidies, a batch) made in {(watch.Elapsed - analysed).TotalSeconds:F2} s"));
        return true;
    }

    /// <summary>
    /// Seeds the first <paramref name="counties"/> of <see cref="GuangxiCounties.All"/> at full scale (Bobai first),
    /// skipping those that already exist, and returns how many were seeded. Forty counties are about 1.04 million
    /// households and 5 million people: a province for benchmarks. Each county is its own transaction.
    /// </summary>
    public static async Task<int> SeedProvinceAsync(Database database, int counties, ulong seed, TimeProvider clock,
        Action<string>? log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(counties, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(counties, GuangxiCounties.All.Count);

        var watch = Stopwatch.StartNew();
        var chosen = GuangxiCounties.All.Take(counties).ToList();
        var existing = await ExistingCountiesAsync(database, chosen.Select(c => c.Code).ToArray(), ct);
        var todo = chosen.Where(c => !existing.Contains(c.Code))
            .Select(c => new DemoCountyOptions { CountyId = c.Code, DisplayName = c.Name, Seed = seed, Scale = 1.0, Log = log })
            .ToList();
        if (existing.Count > 0)
            log?.Invoke(Invariant($"{existing.Count} of the {counties} counties already exist and are skipped"));

        // Two counties at a time: while one is being generated (client CPU) the other is being written (server
        // CPU), and on a two-core machine two COPY streams keep both cores of PostgreSQL busy.
        var seeded = 0;
        long households = 0, people = 0;
        var done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ProvinceWriters, CancellationToken = ct };
        await Parallel.ForEachAsync(todo, parallel, async (options, token) =>
        {
            var county = await GenerateAsync(database, options, clock, token);
            var started = watch.Elapsed;
            if (!await WriteAsync(database, county, log, token))
                return;
            Interlocked.Increment(ref seeded);
            Interlocked.Add(ref households, county.Households.Count);
            Interlocked.Add(ref people, county.People);
            log?.Invoke(Invariant(
                $"[{Interlocked.Increment(ref done)}/{todo.Count}] {county.Describe()}; written in {(watch.Elapsed - started).TotalSeconds:F2} s"));
        });

        await AnalyzeAsync(database, ct);
        log?.Invoke(Invariant(
            $"province: {seeded} counties, {households} households, {people} people seeded in {watch.Elapsed.TotalSeconds:F1} s"));
        return seeded;
    }

    /// <summary>
    /// Generates the county and seals its personal data (ID-card numbers and phones encrypted and hashed). ID numbers
    /// of the county's region already registered (people born here living in another county) are found by their
    /// hashes and stepped around in a second round, so the unique index cannot reject the COPY.
    /// </summary>
    private static async Task<DemoCounty> GenerateAsync(Database database, DemoCountyOptions options, TimeProvider clock, CancellationToken ct)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 1; ; round++)
        {
            ct.ThrowIfCancellationRequested();
            var county = DemoCountyGenerator.Generate(options, ChinaTime.Today(clock), clock.GetUtcNow().UtcDateTime, taken);
            Seal(database.Protector, county);
            var clashes = await TakenIdNumbersAsync(database, county, ct);
            if (clashes.Count == 0)
            {
                var loans = DemoLoans.Generate(county, options.Seed, options.Scale, ChinaTime.Today(clock), clock.GetUtcNow().UtcDateTime);
                database.Protector.Seal(loans.Guarantor);
                county.Loans = loans;
                county.Counters.AddRange(loans.Counters(county.County.Id));
                return county;
            }
            if (round == 5)
                throw new InvalidOperationException($"County {options.CountyId}: generated ID numbers keep clashing with registered ones.");
            taken.UnionWith(clashes);
        }
    }

    private static void Seal(PersonalDataProtector protector, DemoCounty county)
    {
        Parallel.ForEach(county.Households, r =>
        {
            protector.Seal(r.Household);
            foreach (var m in r.Members)
                protector.Seal(m);
        });
        foreach (var c in county.Cadres)
            protector.Seal(c);
    }

    private static async Task<HashSet<int>> ExistingCountiesAsync(Database database, int[] ids, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand("SELECT id FROM counties WHERE id = ANY($1)");
        cmd.Parameters.AddWithValue(ids);
        var found = new HashSet<int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found.Add(r.GetInt32(0));
        return found;
    }

    /// <summary>The generated ID numbers already on a live household card, found by their keyed hashes in one query.</summary>
    private static async Task<HashSet<string>> TakenIdNumbersAsync(Database database, DemoCounty county, CancellationToken ct)
    {
        var byHash = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var m in county.Households.SelectMany(h => h.Members))
            byHash[Convert.ToHexString(m.IdCardHash)] = m.IdCardNumber;
        await using var cmd = database.DataSource.CreateCommand(
            "SELECT id_card_hash FROM household_members WHERE id_card_hash = ANY($1) AND NOT household_deleted");
        cmd.Parameters.AddWithValue(county.Households.SelectMany(h => h.Members).Select(m => m.IdCardHash).ToArray());
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            taken.Add(byHash[Convert.ToHexString(r.GetFieldValue<byte[]>(0))]);
        return taken;
    }

    /// <summary>Writes the county in one transaction; false when another writer created the county first.</summary>
    private static async Task<bool> WriteAsync(Database database, DemoCounty county, Action<string>? log, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await InsertCountyAsync(conn, county, ct))
        {
            await tx.RollbackAsync(ct);
            log?.Invoke(Invariant($"county {county.County.Id} already exists: nothing seeded"));
            return false;
        }

        var watch = Stopwatch.StartNew();
        CopyTowns(conn, county.Towns, ct);
        CopyVillages(conn, county.Villages, ct);
        await HouseholdBulkWriter.WriteAsync(conn, county.Households, DemoCountyGenerator.StatusReason, ct);
        var households = watch.Elapsed;
        CopyCadres(conn, county.Cadres, ct);
        CopyPairings(conn, county.Pairings, ct);
        var pairings = watch.Elapsed;
        if (county.Loans is { } loans)
            await DemoLoans.WriteAsync(conn, loans, ct);
        await DemoDutyPolicy.WriteAsync(conn, county.County.Id, county.County.CreateTime, ct);
        if (county.Contacts is { } contacts)
            await contacts.WriteAsync(conn, ct);
        await UpsertCountersAsync(conn, county, ct);
        var rest = watch.Elapsed;
        await tx.CommitAsync(ct);
        log?.Invoke(Invariant(
            $"county {county.County.Id}: households, members and status rows copied in {households.TotalSeconds:F2} s, cadres and pairings in {(pairings - households).TotalSeconds:F2} s, {county.Loans?.Loans.Count ?? 0} loans and {county.Contacts?.Count ?? 0} contact records in {(rest - pairings).TotalSeconds:F2} s, committed in {(watch.Elapsed - rest).TotalSeconds:F2} s"));
        return true;
    }

    /// <summary>The county row and its quota table, as RegistryStore.CreateCountyAsync writes them.</summary>
    private static async Task<bool> InsertCountyAsync(NpgsqlConnection conn, DemoCounty county, CancellationToken ct)
    {
        var c = county.County;
        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO counties (id, display_name, policy_version, create_time, policy_update_time) " +
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING", conn))
        {
            cmd.Parameters.AddWithValue(c.Id);
            cmd.Parameters.AddWithValue(c.DisplayName);
            cmd.Parameters.AddWithValue(c.PolicyVersion);
            cmd.Parameters.AddWithValue(c.CreateTime);
            cmd.Parameters.AddWithValue(c.PolicyUpdateTime);
            if (await cmd.ExecuteNonQueryAsync(ct) == 0)
                return false;
        }

        await using (var cmd = new NpgsqlCommand(
            "INSERT INTO quota_rules (county_id, rank, scope, households) " +
            "SELECT $1, u.rank, u.scope, u.households FROM unnest($2::int[], $3::int[], $4::int[]) AS u(rank, scope, households)", conn))
        {
            cmd.Parameters.AddWithValue(c.Id);
            cmd.Parameters.AddWithValue(county.QuotaRules.Select(r => (int)r.Rank).ToArray());
            cmd.Parameters.AddWithValue(county.QuotaRules.Select(r => (int)r.Scope).ToArray());
            cmd.Parameters.AddWithValue(county.QuotaRules.Select(r => r.Households).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return true;
    }

    private static void CopyTowns(NpgsqlConnection conn, List<TownRow> towns, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY towns (id, county_id, display_name, version, create_time, update_time) FROM STDIN (FORMAT BINARY)");
        foreach (var t in towns)
        {
            w.StartRow();
            w.Write(t.Id, NpgsqlDbType.Bigint);
            w.Write(t.CountyId, NpgsqlDbType.Integer);
            w.Write(t.DisplayName, NpgsqlDbType.Varchar);
            w.Write(t.Version, NpgsqlDbType.Integer);
            w.Write(t.CreateTime, NpgsqlDbType.TimestampTz);
            w.Write(t.UpdateTime, NpgsqlDbType.TimestampTz);
        }

        ct.ThrowIfCancellationRequested();
        w.Complete();
    }

    private static void CopyVillages(NpgsqlConnection conn, List<VillageRow> villages, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY villages (id, town_id, county_id, display_name, poor, exit_target_year, exit_date, registered_rural_population, " +
            "next_household_seq, version, create_time, update_time) FROM STDIN (FORMAT BINARY)");
        foreach (var v in villages)
        {
            w.StartRow();
            w.Write(v.Id, NpgsqlDbType.Bigint);
            w.Write(v.TownId, NpgsqlDbType.Bigint);
            w.Write(v.CountyId, NpgsqlDbType.Integer);
            w.Write(v.DisplayName, NpgsqlDbType.Varchar);
            w.Write(v.Poor, NpgsqlDbType.Boolean);
            if (v.ExitTargetYear is { } year) w.Write(year, NpgsqlDbType.Integer); else w.WriteNull();
            if (v.ExitDate is { } date) w.Write(date, NpgsqlDbType.Date); else w.WriteNull();
            w.Write(v.RegisteredRuralPopulation, NpgsqlDbType.Integer);
            w.Write(v.NextHouseholdSeq, NpgsqlDbType.Integer);
            w.Write(v.Version, NpgsqlDbType.Integer);
            w.Write(v.CreateTime, NpgsqlDbType.TimestampTz);
            w.Write(v.UpdateTime, NpgsqlDbType.TimestampTz);
        }

        ct.ThrowIfCancellationRequested();
        w.Complete();
    }

    private static void CopyCadres(NpgsqlConnection conn, List<CadreRow> cadres, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY cadres (id, county_id, full_name, unit, rank, linked_town_id, linked_village_id, phone_cipher, phone_hash, active_pairings, " +
            "version, create_time, update_time) FROM STDIN (FORMAT BINARY)");
        foreach (var c in cadres)
        {
            w.StartRow();
            w.Write(c.Id, NpgsqlDbType.Bigint);
            w.Write(c.CountyId, NpgsqlDbType.Integer);
            w.Write(c.FullName, NpgsqlDbType.Varchar);
            w.Write(c.Unit, NpgsqlDbType.Varchar);
            w.Write((int)c.Rank, NpgsqlDbType.Integer);
            w.Write(c.LinkedTownId, NpgsqlDbType.Bigint);
            if (c.LinkedVillageId is { } village) w.Write(village, NpgsqlDbType.Bigint); else w.WriteNull();
            if (c.PhoneCipher is { } phone) w.Write(phone, NpgsqlDbType.Bytea); else w.WriteNull();
            if (c.PhoneHash is { } phoneHash) w.Write(phoneHash, NpgsqlDbType.Bytea); else w.WriteNull();
            w.Write(c.ActivePairings, NpgsqlDbType.Integer);
            w.Write(c.Version, NpgsqlDbType.Integer);
            w.Write(c.CreateTime, NpgsqlDbType.TimestampTz);
            w.Write(c.UpdateTime, NpgsqlDbType.TimestampTz);
        }

        ct.ThrowIfCancellationRequested();
        w.Complete();
    }

    private static void CopyPairings(NpgsqlConnection conn, List<PairingRow> pairings, CancellationToken ct)
    {
        using var w = conn.BeginBinaryImport(
            "COPY pairings (id, county_id, cadre_id, household_id, contact_card_number, start_date, create_time) FROM STDIN (FORMAT BINARY)");
        foreach (var p in pairings)
        {
            w.StartRow();
            w.Write(p.Id, NpgsqlDbType.Bigint);
            w.Write(p.CountyId, NpgsqlDbType.Integer);
            w.Write(p.CadreId, NpgsqlDbType.Bigint);
            w.Write(p.HouseholdId, NpgsqlDbType.Bigint);
            w.Write(p.ContactCardNumber, NpgsqlDbType.Varchar);
            w.Write(p.StartDate, NpgsqlDbType.Date);
            w.Write(p.CreateTime, NpgsqlDbType.TimestampTz);
        }

        ct.ThrowIfCancellationRequested();
        w.Complete();
    }

    /// <summary>The counters the application continues from; never lowered, in case rows of the county's past remain.</summary>
    private static async Task UpsertCountersAsync(NpgsqlConnection conn, DemoCounty county, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO id_counters (county_id, kind, next) SELECT $1, u.kind, u.next FROM unnest($2::text[], $3::bigint[]) AS u(kind, next) " +
            "ON CONFLICT (county_id, kind) DO UPDATE SET next = GREATEST(id_counters.next, EXCLUDED.next)", conn);
        cmd.Parameters.AddWithValue(county.County.Id);
        cmd.Parameters.AddWithValue(county.Counters.Select(c => c.Kind).ToArray());
        cmd.Parameters.AddWithValue(county.Counters.Select(c => c.Next).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Fresh statistics, so the first queries after a seed do not plan against empty tables.</summary>
    private static async Task AnalyzeAsync(Database database, CancellationToken ct)
    {
        await using var cmd = database.DataSource.CreateCommand(
            "ANALYZE counties, towns, villages, households, household_members, household_status_changes, cadres, pairings, id_counters, loans, loan_events");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
