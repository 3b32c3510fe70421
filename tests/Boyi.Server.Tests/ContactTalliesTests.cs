using Boyi.Contracts.V1;
using Boyi.Infrastructure.Compliance;
using Boyi.Testing;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Server.Tests;

/// <summary>
/// <c>contact_tallies</c>, kept by the triggers on the records and their occasions, equals a recomputation from the
/// records (<see cref="ContactTalliesSchema.RecomputeSql"/>) after every way records are written: the API's entry and
/// correction (date, kind and occasions changed), statements moving a record to another year or deleting occasions
/// and records, a binary COPY, and two transactions writing the same pairing's year at once.
/// </summary>
public sealed class ContactTalliesTests(ContactFixture s) : IClassFixture<ContactFixture>
{
    private const int County = 450923;

    [Fact]
    public async Task TheTallies_EqualARecomputationFromTheRecords_AfterEveryKindOfWrite()
    {
        var admin = new ContactService.ContactServiceClient(s.Channel);
        var now = DateTimeOffset.UtcNow;
        var p1 = Id(s.P1.Name);
        var year = Boyi.Domain.ChinaTime.DateOf(now.AddHours(-2).UtcDateTime).Year;   // the visit's
        var call = (await admin.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Call(s.P1.Household, now.AddHours(-3)) })).Record;
        var visit = (await admin.CreateContactRecordAsync(new CreateContactRecordRequest { Record = ContactTests.Visit(s.P1.Household, now.AddHours(-2)) })).Record;
        var tally = await SameAsRecomputedAsync(p1);
        Assert.Equal(2, tally.Sum(t => t.Counts.Sum()));
        Assert.Equal([(short)2], tally.Single(t => t.Year == year).OccasionKinds);

        // The call corrected into a visit on another day naming a festival; the visit's occasion changed.
        var occurred = now.AddHours(-30);
        call = (await admin.UpdateContactRecordAsync(new UpdateContactRecordRequest
        {
            Record = new ContactRecord
            {
                Name = call.Name, Etag = call.Etag, Kind = ContactKind.HomeVisit, OccurTime = Timestamp.FromDateTimeOffset(occurred),
                Occasions = { new ContactOccasion { Kind = ContactOccasionKind.Festival, Reference = "MID_AUTUMN" } },
                Diary = new PeoplesConditionDiary { Done = "送月饼", SeenAndHeard = "老人身体尚可", Thoughts = "节后再来" },
            },
        })).Record;
        visit = (await admin.UpdateContactRecordAsync(new UpdateContactRecordRequest
        {
            Record = new ContactRecord
            {
                Name = visit.Name, Etag = visit.Etag,
                Occasions = { new ContactOccasion { Kind = ContactOccasionKind.LifeEvent }, new ContactOccasion { Kind = ContactOccasionKind.Dispute, Reference = "邻里" } },
            },
        })).Record;
        tally = await SameAsRecomputedAsync(p1);
        Assert.Equal(2, tally.Sum(t => t.Counts.Where((_, i) => i % 3 == 1).Sum()));
        Assert.Equal(3, tally.Sum(t => t.OccasionKinds.Length));
        Assert.Contains("MID_AUTUMN", tally.SelectMany(t => t.OccasionReferences));

        // Moved to another year by a statement (the old year's row goes with its last record), its occasions deleted,
        // then the record deleted with whatever it had.
        var callId = Id(call.Name);
        await Sql.ExecuteAsync(s, "UPDATE contact_records SET occur_date = occur_date - 400 WHERE id = $1", callId);
        tally = await SameAsRecomputedAsync(p1);
        Assert.Equal(2, tally.Count);
        await Sql.ExecuteAsync(s, "DELETE FROM contact_occasions WHERE record_id = $1", Id(visit.Name));
        tally = await SameAsRecomputedAsync(p1);
        Assert.Equal(["MID_AUTUMN"], tally.SelectMany(t => t.OccasionReferences));
        await Sql.ExecuteAsync(s, "DELETE FROM contact_records WHERE id = $1", callId);
        tally = await SameAsRecomputedAsync(p1);
        Assert.Equal(year, Assert.Single(tally).Year);
        Assert.Empty(tally[0].OccasionKinds);

        // A binary COPY of two records of the second pairing last year and one's occasion, as the demo seeder writes them.
        var p2 = Id(s.P2.Name);
        var lastYear = new DateOnly(year - 1, 6, 1);
        var first = County * 10_000_000_000L + 9_100_000_001;
        await using (var conn = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var (household, cadre, town, village) = await AreaAsync(conn, p2);
            await using (var copy = await conn.BeginBinaryImportAsync(
                "COPY contact_records (id, county_id, town_id, village_id, household_id, cadre_id, pairing_id, kind, occur_time, occur_date, " +
                "diary_done, diary_seen_and_heard, diary_thoughts, author, revision, photo_count, version, create_time, update_time, correctable_until) " +
                "FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < 2; i++)
                {
                    var day = lastYear.AddDays(40 * i);
                    var at = day.ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc);
                    var isVisit = i == 1;
                    await copy.StartRowAsync();
                    foreach (var (value, type) in new (object?, NpgsqlDbType)[]
                    {
                        (first + i, NpgsqlDbType.Bigint), (County, NpgsqlDbType.Integer), (town, NpgsqlDbType.Bigint), (village, NpgsqlDbType.Bigint),
                        (household, NpgsqlDbType.Bigint), (cadre, NpgsqlDbType.Bigint), (p2, NpgsqlDbType.Bigint), ((short)(isVisit ? 2 : 1), NpgsqlDbType.Smallint),
                        (at, NpgsqlDbType.TimestampTz), (day, NpgsqlDbType.Date), (isVisit ? "走访" : null, NpgsqlDbType.Varchar),
                        (isVisit ? "见闻" : null, NpgsqlDbType.Varchar), (isVisit ? "体会" : null, NpgsqlDbType.Varchar), ("test", NpgsqlDbType.Varchar),
                        (1, NpgsqlDbType.Integer), (0, NpgsqlDbType.Integer), (1, NpgsqlDbType.Integer), (at, NpgsqlDbType.TimestampTz),
                        (at, NpgsqlDbType.TimestampTz), (at, NpgsqlDbType.TimestampTz),
                    })
                    {
                        if (value is null)
                            await copy.WriteNullAsync();
                        else
                            await copy.WriteAsync(value, type);
                    }
                }
                await copy.CompleteAsync();
            }
            await using (var copy = await conn.BeginBinaryImportAsync(
                "COPY contact_occasions (record_id, position, county_id, kind, reference) FROM STDIN (FORMAT BINARY)"))
            {
                await copy.WriteRowAsync(default, first + 1, (short)1, County, (short)2, "DOUBLE_HARVEST");
                await copy.CompleteAsync();
            }
            await tx.CommitAsync();
        }
        tally = await SameAsRecomputedAsync(p2);
        var copied = Assert.Single(tally);
        Assert.Equal((year - 1, 1, 1), (copied.Year, copied.Counts[(6 - 1) * 3], copied.Counts[(7 - 1) * 3 + 1]));
        Assert.Equal("DOUBLE_HARVEST", Assert.Single(copied.OccasionReferences));

        // Two transactions entering a contact for the same pairing and year: the second waits for the first's row and
        // recomputes after it commits, so neither contact is lost.
        await using (var one = new NpgsqlConnection(s.Database.ConnectionString))
        await using (var two = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await one.OpenAsync();
            await two.OpenAsync();
            await using var tx1 = await one.BeginTransactionAsync();
            await using var tx2 = await two.BeginTransactionAsync();
            await InsertCallAsync(one, tx1, first + 2, lastYear.AddDays(100));
            int pid;
            await using (var cmd = new NpgsqlCommand("SELECT pg_backend_pid()", two, tx2))
                pid = (int)(await cmd.ExecuteScalarAsync())!;
            var second = InsertCallAsync(two, tx2, first + 3, lastYear.AddDays(101));
            await Poll.UntilAsync(async () =>
            {
                await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
                await conn.OpenAsync();
                await using var cmd = new NpgsqlCommand("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", conn);
                cmd.Parameters.Add(new() { Value = pid });
                return await cmd.ExecuteScalarAsync() is true;
            }, "the second transaction waiting for the first's tally row");
            await tx1.CommitAsync();
            await second;
            await tx2.CommitAsync();
        }
        tally = await SameAsRecomputedAsync(p2);
        Assert.Equal(3, Assert.Single(tally).Counts.Where((_, i) => i % 3 == 0).Sum());
    }

    /// <summary>
    /// What <see cref="ComplianceStore.ReadAsync"/> decodes from the tallies' binary arrays equals what the records
    /// say: a pairing with contacts in two years (two rows), before the first month counted, after the "as of" day in
    /// its month (taken off) and after its month (not counted), and home visits naming several occasions on one day,
    /// with references in ASCII, in Chinese and none.
    /// </summary>
    [Fact]
    public async Task TheStoresInputs_DecodedFromTheTallies_AreWhatTheRecordsSay()
    {
        var (_, pairing) = await ContactTests.PairedAsync(s, s.County.Towns[0]);
        var p = Id(pairing.Name);
        var year = Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>()).Year;
        var asOf = new DateOnly(year, 6, 15);
        var span = Boyi.Domain.Duties.DutySpan.Year(year);
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        var (household, cadre, town, village) = await AreaAsync(conn, p);
        var id = County * Boyi.Infrastructure.Contacts.ContactStore.IdFactor + 7_000_000_000;
        (DateOnly Day, short Kind, (short, string?)[] Occasions)[] contacts =
        [
            (new DateOnly(year - 1, 3, 10), 2, [(1, null)]),   // before the first month counted (60 days before the year)
            (new DateOnly(year - 1, 12, 20), 2, [(1, "SPRING_FESTIVAL"), (5, "邻里纠纷")]),
            (new DateOnly(year - 1, 12, 20), 1, []),
            (new DateOnly(year, 1, 5), 2, [(2, null)]),
            (new DateOnly(year, 1, 5), 2, [(4, "householdEvents/1"), (1, "中秋")]),
            (new DateOnly(year, 1, 9), 3, []),
            (new DateOnly(year, 6, 14), 2, [(5, null)]),
            (new DateOnly(year, 6, 20), 1, []),                // after the "as of" day in its month
            (new DateOnly(year, 8, 1), 2, [(2, "双抢")]),      // after the "as of" day's month
        ];
        foreach (var (day, kind, occasions) in contacts)
        {
            id++;
            await Sql.ExecuteAsync(s, "INSERT INTO contact_records (id, county_id, town_id, village_id, household_id, cadre_id, pairing_id, kind, occur_time, " +
                "occur_date, diary_done, diary_seen_and_heard, diary_thoughts, author, revision, photo_count, version, create_time, update_time, correctable_until) " +
                "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, d, d, d, 'test', 1, 0, 1, $9, $9, $9 FROM (SELECT CASE WHEN $8 = 2 THEN '入户' END AS d) x",
                id, County, town, village, household, cadre, p, kind, day.ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc), day);
            for (var i = 0; i < occasions.Length; i++)
                await Sql.ExecuteAsync(s, "INSERT INTO contact_occasions (record_id, position, county_id, kind, reference) VALUES ($1, $2, $3, $4, $5)",
                    id, i, County, occasions[i].Item1, (object?)occasions[i].Item2 ?? DBNull.Value);
        }

        var policy = (await s.Services.GetRequiredService<Boyi.Infrastructure.Duties.DutyPolicyStore>().GetAsync(County, CancellationToken.None)).Policy;
        var inputs = (await s.Services.GetRequiredService<ComplianceStore>().ReadAsync(conn, policy, new ComplianceScope(County), span, asOf, CancellationToken.None))
            .Single(x => x.PairingId == p);
        var first = new DateOnly(year - 1, 11, 1);
        for (var month = new DateOnly(year - 1, 1, 1); month <= new DateOnly(year, 12, 1); month = month.AddMonths(1))
        {
            for (var kind = 1; kind <= 3; kind++)
            {
                var m = month;
                var k = kind;
                var expected = month < first ? 0 : contacts.Count(c => c.Kind == k && c.Day <= asOf && c.Day.Year == m.Year && c.Day.Month == m.Month);
                Assert.True(expected == inputs.Months.Count(month, (Boyi.Domain.Duties.ContactKind)(kind - 1)), $"{month:yyyy-MM} kind {kind}");
            }
        }
        // One contact per day of home visits, with every occasion named that day in order.
        var visits = contacts.Where(c => c.Kind == 2 && c.Occasions.Length > 0).GroupBy(c => c.Day)
            .Select(g => $"{g.Key:yyyy-MM-dd}: {string.Join(", ", g.SelectMany(c => c.Occasions).Select(o => Boyi.Domain.Duties.ContactOccasions.ToDuty(o.Item1, o.Item2, policy)))}");
        Assert.Equal(visits, inputs.OccasionVisits.OrderBy(v => v.Date).Select(v => $"{v.Date:yyyy-MM-dd}: {string.Join(", ", v.Occasions)}"));
        Assert.All(inputs.OccasionVisits, v => Assert.Equal(Boyi.Domain.Duties.ContactKind.Visit, v.Kind));
        await SameAsRecomputedAsync(p);
    }

    /// <summary>Asserts the whole table equals its recomputation; answers the pairing's rows.</summary>
    private async Task<List<ContactTallyRow>> SameAsRecomputedAsync(long pairing)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        async Task<List<ContactTallyRow>> Read(string sql)
        {
            await using var cmd = new NpgsqlCommand($"SELECT * FROM ({sql}) x ORDER BY 1, 2", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = new List<ContactTallyRow>();
            while (await r.ReadAsync())
            {
                rows.Add(new ContactTallyRow
                {
                    PairingId = r.GetInt64(0), Year = r.GetInt32(1), CountyId = r.GetInt32(2), Counts = r.GetFieldValue<int[]>(3),
                    VisitDates = r.GetFieldValue<DateOnly[]>(4), OccasionKinds = r.GetFieldValue<short[]>(5), OccasionReferences = r.GetFieldValue<string?[]>(6),
                });
            }
            return rows;
        }
        var kept = await Read("SELECT pairing_id, year, county_id, counts, visit_dates, occasion_kinds, occasion_references FROM contact_tallies");
        var recomputed = await Read(ContactTalliesSchema.RecomputeSql);
        static string Text(ContactTallyRow t) => $"{t.PairingId} {t.Year} {t.CountyId} [{string.Join(",", t.Counts)}] " +
            $"[{string.Join(",", t.VisitDates)}] [{string.Join(",", t.OccasionKinds)}] [{string.Join(",", t.OccasionReferences)}]";
        Assert.Equal(recomputed.Select(Text), kept.Select(Text));
        return kept.Where(t => t.PairingId == pairing).ToList();
    }

    private static async Task<(long Household, long Cadre, long Town, long Village)> AreaAsync(NpgsqlConnection conn, long pairing)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT p.household_id, p.cadre_id, h.town_id, h.village_id FROM pairings p JOIN households h ON h.id = p.household_id WHERE p.id = $1", conn);
        cmd.Parameters.Add(new() { Value = pairing });
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }

    /// <summary>A call of the second pairing on <paramref name="day"/>, by one INSERT.</summary>
    private async Task InsertCallAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, DateOnly day)
    {
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO contact_records (id, county_id, town_id, village_id, household_id, cadre_id, pairing_id, kind, occur_time, occur_date, author, " +
            "revision, photo_count, version, create_time, update_time, correctable_until) " +
            "SELECT $1, p.county_id, h.town_id, h.village_id, p.household_id, p.cadre_id, p.id, 1, $2, $3, 'test', 1, 0, 1, $2, $2, $2 " +
            "FROM pairings p JOIN households h ON h.id = p.household_id WHERE p.id = $4", conn, tx);
        cmd.Parameters.Add(new() { Value = id });
        cmd.Parameters.Add(new() { Value = day.ToDateTime(new TimeOnly(2, 0), DateTimeKind.Utc) });
        cmd.Parameters.Add(new() { Value = day });
        cmd.Parameters.Add(new() { Value = Id(s.P2.Name) });
        await cmd.ExecuteNonQueryAsync();
    }

    private static long Id(string name) => long.Parse(name.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
}
