using System.Text.Json;
using Boyi.Domain;
using Boyi.Domain.Commendations;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Background;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Commendations;

/// <summary>A revision of a county's scheme for a year, and whether a published round froze it.</summary>
public sealed record SchemeRecord(int CountyId, int Year, int Revision, CommendationScheme Scheme, string ChangedBy, DateTime ChangeTime, string Reason, bool Frozen);

public sealed record RoundRecord(long Id, int CountyId, int Year, int SchemeRevision, DateOnly CutOff, RoundState State, int Version,
    string OpenedBy, DateTime OpenTime, string? ComputedBy, DateTime? ComputeTime, string? ConfirmedBy, DateTime? ConfirmTime,
    string? PublishedBy, DateTime? PublishTime, int ParticipantCount);

public sealed record StandingRecord(int Position, long EnterpriseId, string EnterpriseName, string Category, long Score, int? Rank,
    IneligibleBecause Because, CommendationMetric? Metric);

public sealed record SourceRecord(CommendationMetric Metric, CommendationSourceKind Kind, long Id, long Value, long? ParentId);

/// <summary>An exclusion; <see cref="ParentId"/> is the enterprise or linkage a status change belongs to.</summary>
public sealed record ExclusionRecord(ExclusionReason Reason, CommendationSourceKind Kind, long SourceId, long? ParentId, string? Note, string ExcludedBy, DateTime Time);

/// <summary>A participant's metric values as of the cut-off and its exclusions, without the rows behind them.</summary>
public sealed record ParticipantReview(IReadOnlyDictionary<CommendationMetric, long> Values, IReadOnlyList<ExclusionRecord> Exclusions);

public sealed record Explanation(long EnterpriseId, DateOnly Registered, IReadOnlyDictionary<CommendationMetric, long> Values,
    IReadOnlyList<SourceRecord> Sources, IReadOnlyList<ExclusionRecord> Exclusions, IReadOnlyList<StandingRecord> Standings);

public sealed record BenefitRecord(string Kind, DateOnly ValidFrom, DateOnly ValidUntil);

public sealed record AwardRecord(long Id, long RoundId, int CountyId, long EnterpriseId, string EnterpriseName, string Category, int Rank,
    DateOnly AwardDate, IReadOnlyList<BenefitRecord> Benefits);

/// <summary>
/// Schemes, rounds, their snapshots, standings, exclusions and awards (<see cref="CommendationSchema"/>). Mutations run
/// on the caller's connection inside its transaction; the round's row is locked first, so the steps of a round take
/// turns. The rules of each step are the domain's (<see cref="RoundRules"/>, <see cref="Ranking"/>).
/// </summary>
public sealed class CommendationStore(NpgsqlDataSource dataSource, NotificationWriter notifications, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new();

    /// <summary>The notification's kind (a label, not an error reason).</summary>
    public static readonly string PublishedKind = "COMMENDATION_ROUND_PUBLISHED";

    // ---- schemes ----

    public async Task<SchemeRecord?> GetSchemeAsync(int countyId, int year, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await ReadSchemesAsync(conn, countyId, year, null, 1, ct)).FirstOrDefault();
    }

    public async Task<CommendationScheme> GetSchemeRevisionAsync(int countyId, int year, int revision, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await SchemeRevisionAsync(conn, countyId, year, revision, ct);
    }

    /// <summary>A revision of the scheme (the one a round uses).</summary>
    public async Task<CommendationScheme> SchemeRevisionAsync(NpgsqlConnection conn, int countyId, int year, int revision, CancellationToken ct) =>
        (await ReadSchemesAsync(conn, countyId, year, revision + 1, 1, ct)).Single().Scheme;

    public async Task<List<SchemeRecord>> ListSchemeRevisionsAsync(int countyId, int year, int? beforeRevision, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ReadSchemesAsync(conn, countyId, year, beforeRevision, limit, ct);
    }

    /// <summary>
    /// Stores the next revision of the county's scheme for the year, under the county's lock (concurrent updates take
    /// turns; a stale <paramref name="expectedRevision"/> is ABORTED, none given is no check). Refused
    /// (SCHEME_FROZEN) once a round of the year is published.
    /// </summary>
    public async Task<SchemeRecord> UpdateSchemeAsync(NpgsqlConnection conn, int countyId, int year, int? expectedRevision,
        CommendationScheme scheme, string by, string reason, CancellationToken ct)
    {
        if (await ScalarAsync<int?>(conn, "SELECT id FROM counties WHERE id = $1 FOR UPDATE", ct, countyId) is null)
            throw DomainException.NotFound("county", $"counties/{countyId}");
        if (await IsFrozenAsync(conn, countyId, year, ct))
            throw DomainException.Precondition("SCHEME_FROZEN", $"A round of {year} is published: the scheme of that year no longer changes.");
        var current = await ScalarAsync<int?>(conn, "SELECT max(revision) FROM commendation_scheme_revisions WHERE county_id = $1 AND year = $2", ct, countyId, year) ?? 0;
        if (expectedRevision is { } expected && expected != current)
            throw DomainException.StaleEtag($"counties/{countyId}/commendationSchemes/{year}");
        var now = clock.GetUtcNow().UtcDateTime;
        await ExecuteAsync(conn,
            "INSERT INTO commendation_scheme_revisions (county_id, year, revision, scheme, changed_by, change_time, reason) VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)",
            ct, countyId, year, current + 1, JsonSerializer.Serialize(scheme, Json), by, now, reason);
        return new SchemeRecord(countyId, year, current + 1, scheme, by, now, reason, false);
    }

    private static Task<bool> IsFrozenAsync(NpgsqlConnection conn, int countyId, int year, CancellationToken ct) =>
        ScalarAsync<bool>(conn, "SELECT EXISTS (SELECT 1 FROM commendation_rounds WHERE county_id = $1 AND year = $2 AND state = 4)", ct, countyId, year);

    private static async Task<List<SchemeRecord>> ReadSchemesAsync(NpgsqlConnection conn, int countyId, int year, int? beforeRevision, int limit, CancellationToken ct)
    {
        var frozen = await IsFrozenAsync(conn, countyId, year, ct);
        await using var cmd = Command(conn,
            "SELECT revision, scheme::text, changed_by, change_time, reason FROM commendation_scheme_revisions " +
            "WHERE county_id = $1 AND year = $2 AND ($3::int IS NULL OR revision < $3) ORDER BY revision DESC LIMIT $4",
            countyId, year, (object?)beforeRevision ?? DBNull.Value, limit);
        cmd.Parameters[2].NpgsqlDbType = NpgsqlDbType.Integer;
        var list = new List<SchemeRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new SchemeRecord(countyId, year, r.GetInt32(0), JsonSerializer.Deserialize<CommendationScheme>(r.GetString(1), Json)!,
                r.GetString(2), r.GetDateTime(3), r.GetString(4), frozen));
        return list;
    }

    // ---- rounds ----

    private const string RoundColumns =
        "r.id, r.county_id, r.year, r.scheme_revision, r.cut_off, r.state, r.version, r.opened_by, r.open_time, r.computed_by, r.compute_time, " +
        "r.confirmed_by, r.confirm_time, r.published_by, r.publish_time, " +
        "(SELECT count(*)::int FROM commendation_participants p WHERE p.round_id = r.id)";

    /// <summary>Opens a round on the scheme's current revision (NO_SCHEME when the county has none for the year).</summary>
    public async Task<RoundRecord> OpenRoundAsync(NpgsqlConnection conn, int countyId, int year, DateOnly cutOff, string by, CancellationToken ct)
    {
        var revision = await ScalarAsync<int?>(conn, "SELECT max(revision) FROM commendation_scheme_revisions WHERE county_id = $1 AND year = $2", ct, countyId, year)
            ?? throw DomainException.Precondition("NO_SCHEME", $"The county has no commendation scheme for {year}: set one first.");
        var id = await ScalarAsync<long>(conn,
            "INSERT INTO commendation_rounds (county_id, year, scheme_revision, cut_off, state, version, opened_by, open_time) " +
            "VALUES ($1, $2, $3, $4, 1, 1, $5, $6) RETURNING id", ct, countyId, year, revision, cutOff, by, clock.GetUtcNow().UtcDateTime);
        return (await GetRoundAsync(conn, id, false, ct))!;
    }

    public async Task<RoundRecord?> GetRoundAsync(long id, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await GetRoundAsync(conn, id, false, ct);
    }

    public async Task<List<RoundRecord>> ListRoundsAsync(int countyId, long? beforeId, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(conn, $"SELECT {RoundColumns} FROM commendation_rounds r WHERE r.county_id = $1 AND ($2::bigint IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3",
            countyId, (object?)beforeId ?? DBNull.Value, limit);
        cmd.Parameters[1].NpgsqlDbType = NpgsqlDbType.Bigint;
        return await ReadRoundsAsync(cmd, ct);
    }

    private static async Task<RoundRecord?> GetRoundAsync(NpgsqlConnection conn, long id, bool forUpdate, CancellationToken ct)
    {
        await using var cmd = Command(conn, $"SELECT {RoundColumns} FROM commendation_rounds r WHERE r.id = $1{(forUpdate ? " FOR UPDATE OF r" : "")}", id);
        return (await ReadRoundsAsync(cmd, ct)).FirstOrDefault();
    }

    private static async Task<List<RoundRecord>> ReadRoundsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<RoundRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new RoundRecord(r.GetInt64(0), r.GetInt32(1), r.GetInt32(2), r.GetInt32(3), r.GetFieldValue<DateOnly>(4), (RoundState)r.GetInt16(5),
                r.GetInt32(6), r.GetString(7), r.GetDateTime(8), Str(r, 9), Time(r, 10), Str(r, 11), Time(r, 12), Str(r, 13), Time(r, 14), r.GetInt32(15)));
        return list;
    }

    /// <summary>The round under its lock, or NOT_FOUND; a stale <paramref name="expectedVersion"/> is ABORTED.</summary>
    private static async Task<RoundRecord> LockRoundAsync(NpgsqlConnection conn, long id, int countyId, int? expectedVersion, CancellationToken ct)
    {
        var round = await GetRoundAsync(conn, id, true, ct);
        if (round is null || round.CountyId != countyId)
            throw DomainException.NotFound("commendation round", $"counties/{countyId}/commendationRounds/{id}");
        if (expectedVersion is { } v && v != round.Version)
            throw DomainException.StaleEtag($"counties/{countyId}/commendationRounds/{id}");
        return round;
    }

    /// <summary>
    /// Computes a round in one transaction: an open round is snapshotted (the participants with their values and the
    /// rows behind them, then the automatic exclusions: two statements) then ranked; a computed one keeps its snapshot and is ranked again, which
    /// gives the same standings byte for byte (data changed after the snapshot does not reach it).
    /// <paramref name="complete"/> runs last, inside the transaction (the operation's result commits with the round).
    /// </summary>
    public async Task ComputeAsync(long roundId, string by, Func<NpgsqlConnection, NpgsqlTransaction, RoundRecord, int, Task> complete, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var round = await GetRoundAsync(conn, roundId, true, ct) ?? throw DomainException.NotFound("commendation round", $"commendationRounds/{roundId}");
        RoundRules.RequireComputable(round.State);
        var scheme = await SchemeRevisionAsync(conn, round.CountyId, round.Year, round.SchemeRevision, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        if (round.State == RoundState.Open)
            await SnapshotAsync(conn, round, scheme, now, ct);
        await RankAsync(conn, round.Id, scheme, ct);
        await ExecuteAsync(conn, "UPDATE commendation_rounds SET state = 2, version = version + 1, computed_by = $2, compute_time = $3 WHERE id = $1", ct, roundId, by, now);
        var excluded = await ScalarAsync<int>(conn, "SELECT count(DISTINCT enterprise_id)::int FROM commendation_exclusions WHERE round_id = $1", ct, roundId);
        await complete(conn, tx, (await GetRoundAsync(conn, roundId, false, ct))!, excluded);
        await tx.CommitAsync(ct);
    }

    private static async Task SnapshotAsync(NpgsqlConnection conn, RoundRecord round, CommendationScheme scheme, DateTime now, CancellationToken ct)
    {
        var yearStart = new DateOnly(round.Year, 1, 1);
        var automatic = scheme.Exclusions.Select(e => (short)e).ToArray();
        await ExecuteAsync(conn, CommendationSnapshot.Snapshot, ct, round.Id, round.CountyId, yearStart, round.CutOff);
        await ExecuteAsync(conn, CommendationSnapshot.Exclusions, ct, round.Id, round.CountyId, yearStart, round.CutOff, automatic, now);
    }

    /// <summary>Ranks the round's stored snapshot (with its exclusions) and writes its standings in place of any before.</summary>
    private static async Task RankAsync(NpgsqlConnection conn, long roundId, CommendationScheme scheme, CancellationToken ct)
    {
        var participants = new List<Participant>();
        await using (var cmd = Command(conn,
            "SELECT p.enterprise_id, p.registered, p.funds_delivered_fen, p.people_kept_six_months, p.households_reached, p.villages_reached, " +
            "p.linkages_completed, p.loans_without_default, EXISTS (SELECT 1 FROM commendation_exclusions x WHERE x.round_id = p.round_id AND x.enterprise_id = p.enterprise_id) " +
            "FROM commendation_participants p WHERE p.round_id = $1", roundId))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var values = new Dictionary<CommendationMetric, long>();
                for (var m = 1; m <= 6; m++)
                    values[(CommendationMetric)m] = r.GetInt64(1 + m);
                participants.Add(new Participant(r.GetInt64(0), r.GetFieldValue<DateOnly>(1), values, r.GetBoolean(8)));
            }
        }
        var standings = Ranking.Rank(scheme, participants);
        var categories = new string[standings.Count];
        var positions = new int[standings.Count];
        var enterprises = new long[standings.Count];
        var scores = new long[standings.Count];
        var ranks = new int?[standings.Count];
        var because = new short[standings.Count];
        var metrics = new short?[standings.Count];
        for (var i = 0; i < standings.Count; i++)
        {
            var s = standings[i];
            categories[i] = s.Category;
            positions[i] = i > 0 && standings[i - 1].Category == s.Category ? positions[i - 1] + 1 : 1;
            enterprises[i] = s.EnterpriseId;
            scores[i] = s.Score;
            ranks[i] = s.Rank;
            because[i] = (short)s.Because;
            metrics[i] = s.Metric is { } m ? (short)m : null;
        }
        // One statement with the standings as arrays: cheaper than COPY's row-by-row stream for a few thousand rows.
        await ExecuteAsync(conn, "DELETE FROM commendation_standings WHERE round_id = $1", ct, roundId);
        await ExecuteAsync(conn,
            "INSERT INTO commendation_standings (round_id, category, position, enterprise_id, score, rank, because, metric) " +
            "SELECT $1, * FROM unnest($2::varchar[], $3::int[], $4::bigint[], $5::bigint[], $6::int[], $7::smallint[], $8::smallint[])",
            ct, roundId, categories, positions, enterprises, scores, ranks, because, metrics);
    }

    /// <summary>Excludes a participant with the staff's reason and ranks the round again (only a computed round).</summary>
    public async Task<RoundRecord> ExcludeAsync(NpgsqlConnection conn, int countyId, long roundId, int? expectedVersion, long enterpriseId,
        string note, string by, CancellationToken ct)
    {
        var round = await LockRoundAsync(conn, roundId, countyId, expectedVersion, ct);
        RoundRules.RequireReviewable(round.State);
        if (!await ScalarAsync<bool>(conn, "SELECT EXISTS (SELECT 1 FROM commendation_participants WHERE round_id = $1 AND enterprise_id = $2)", ct, roundId, enterpriseId))
            throw DomainException.Precondition("NOT_A_PARTICIPANT", "The enterprise is not among the round's participants.");
        var added = await ExecuteAsync(conn,
            "INSERT INTO commendation_exclusions (round_id, enterprise_id, reason, source_kind, source_id, note, excluded_by, exclude_time) " +
            "VALUES ($1, $2, 5, 0, 0, $3, $4, $5) ON CONFLICT DO NOTHING", ct, roundId, enterpriseId, note, by, clock.GetUtcNow().UtcDateTime);
        if (added == 0)
            throw DomainException.Precondition("ALREADY_EXCLUDED", "The enterprise was already excluded from the round on review.");
        await RankAsync(conn, roundId, await SchemeRevisionAsync(conn, countyId, round.Year, round.SchemeRevision, ct), ct);
        await ExecuteAsync(conn, "UPDATE commendation_rounds SET version = version + 1 WHERE id = $1", ct, roundId);
        return (await GetRoundAsync(conn, roundId, false, ct))!;
    }

    /// <summary>Confirms a computed round: a second person (not the one who computed it nor one who excluded from it).</summary>
    public async Task<RoundRecord> ConfirmAsync(NpgsqlConnection conn, int countyId, long roundId, int? expectedVersion, string by, CancellationToken ct)
    {
        var round = await LockRoundAsync(conn, roundId, countyId, expectedVersion, ct);
        var reviewers = new List<string>();
        await using (var cmd = Command(conn, "SELECT DISTINCT excluded_by FROM commendation_exclusions WHERE round_id = $1 AND reason = 5", roundId))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                reviewers.Add(r.GetString(0));
        RoundRules.RequireConfirmable(round.State, by, round.ComputedBy, reviewers);
        await ExecuteAsync(conn, "UPDATE commendation_rounds SET state = 3, version = version + 1, confirmed_by = $2, confirm_time = $3 WHERE id = $1",
            ct, roundId, by, clock.GetUtcNow().UtcDateTime);
        return (await GetRoundAsync(conn, roundId, false, ct))!;
    }

    /// <summary>
    /// Publishes a confirmed round: the awards (the first <c>cap</c> eligible of each category) with their benefits
    /// valid from today (China) for their days, a notification to each participant, then the state, after which the
    /// database refuses any change of the round's rows.
    /// </summary>
    public async Task<(RoundRecord Round, int Awards)> PublishAsync(NpgsqlConnection conn, NpgsqlTransaction tx, int countyId, long roundId,
        int? expectedVersion, string by, CancellationToken ct)
    {
        var round = await LockRoundAsync(conn, roundId, countyId, expectedVersion, ct);
        RoundRules.RequirePublishable(round.State);
        var scheme = await SchemeRevisionAsync(conn, countyId, round.Year, round.SchemeRevision, ct);
        var today = ChinaTime.Today(clock);
        var now = clock.GetUtcNow().UtcDateTime;
        var awards = 0;
        foreach (var category in scheme.Categories)
        {
            var ids = new List<long>();
            await using (var cmd = Command(conn,
                "INSERT INTO commendation_awards (round_id, county_id, enterprise_id, category, rank, award_date) " +
                "SELECT round_id, $2, enterprise_id, category, rank, $5 FROM commendation_standings " +
                "WHERE round_id = $1 AND category = $3 AND rank IS NOT NULL AND rank <= $4 ORDER BY rank RETURNING id",
                roundId, countyId, category.Code, category.Cap, today))
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    ids.Add(r.GetInt64(0));
            awards += ids.Count;
            foreach (var b in category.Benefits)
                await ExecuteAsync(conn,
                    "INSERT INTO commendation_benefits (award_id, round_id, enterprise_id, kind, valid_from, valid_until) " +
                    "SELECT a.id, a.round_id, a.enterprise_id, $2, $3, $4 FROM commendation_awards a WHERE a.id = ANY($1)",
                    ct, ids.ToArray(), b.Kind, today, today.AddDays(b.ValidityDays - 1));
        }
        var participants = new List<(long Enterprise, string? Award)>();
        await using (var cmd = Command(conn,
            "SELECT p.enterprise_id, string_agg(a.category, ', ' ORDER BY a.category) FROM commendation_participants p " +
            "LEFT JOIN commendation_awards a ON a.round_id = p.round_id AND a.enterprise_id = p.enterprise_id WHERE p.round_id = $1 " +
            "GROUP BY p.enterprise_id ORDER BY p.enterprise_id", roundId))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                participants.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1)));
        // Portal paths (the pages come with the portal's commendation part): the round, and the enterprise's standing in it.
        var link = $"/commendations/rounds/{roundId}";
        await notifications.AddManyAsync(conn, tx, participants.Select(p => new NewNotification(NotificationRecipient.Enterprise(p.Enterprise),
            PublishedKind,
            p.Award is null
                ? $"The commendation round of {round.Year} is published. See your standing and why."
                : $"The commendation round of {round.Year} is published: your enterprise is commended ({p.Award}).",
            $"{link}/standings/{p.Enterprise}")).ToList(), now, ct);
        await ExecuteAsync(conn, "UPDATE commendation_rounds SET state = 4, version = version + 1, published_by = $2, publish_time = $3, publish_date = $4 WHERE id = $1",
            ct, roundId, by, now, today);
        return ((await GetRoundAsync(conn, roundId, false, ct))!, awards);
    }

    // ---- reading standings ----

    /// <summary>
    /// A page of a category's standings by position, after <paramref name="afterPosition"/>; with
    /// <paramref name="onlyEnterprise"/> narrowed to that enterprise's own and, when <paramref name="rankedToo"/>, the ranked.
    /// </summary>
    public async Task<List<StandingRecord>> ListStandingsAsync(long roundId, string category, int afterPosition, int limit,
        long? onlyEnterprise, bool rankedToo, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(conn,
            "SELECT s.position, s.enterprise_id, e.display_name, s.category, s.score, s.rank, s.because, s.metric " +
            "FROM commendation_standings s JOIN enterprises e ON e.id = s.enterprise_id " +
            "WHERE s.round_id = $1 AND s.category = $2 AND s.position > $3 " +
            "AND ($5::bigint IS NULL OR s.enterprise_id = $5 OR ($6 AND s.rank IS NOT NULL)) ORDER BY s.position LIMIT $4",
            roundId, category, afterPosition, limit, (object?)onlyEnterprise ?? DBNull.Value, rankedToo);
        cmd.Parameters[4].NpgsqlDbType = NpgsqlDbType.Bigint;
        return await ReadStandingsAsync(cmd, ct);
    }

    private static async Task<List<StandingRecord>> ReadStandingsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<StandingRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new StandingRecord(r.GetInt32(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), (IneligibleBecause)r.GetInt16(6), r.IsDBNull(7) ? null : (CommendationMetric)r.GetInt16(7)));
        return list;
    }

    /// <summary>
    /// The metric values and exclusions of the round's participants among <paramref name="enterpriseIds"/> (a page of
    /// standings): two queries whatever the page's size. One absent from the answer is no participant.
    /// </summary>
    public async Task<Dictionary<long, ParticipantReview>> ReviewAsync(long roundId, long[] enterpriseIds, CancellationToken ct)
    {
        var found = new Dictionary<long, ParticipantReview>();
        if (enterpriseIds.Length == 0)
            return found;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var participants = await ParticipantsAsync(conn, roundId, enterpriseIds, ct);
        var exclusions = (await ExclusionsAsync(conn, roundId, enterpriseIds, ct)).ToLookup(x => x.Enterprise, x => x.Exclusion);
        foreach (var (id, (_, values)) in participants)
            found[id] = new ParticipantReview(values, [.. exclusions[id]]);
        return found;
    }

    private static async Task<Dictionary<long, (DateOnly Registered, Dictionary<CommendationMetric, long> Values)>> ParticipantsAsync(NpgsqlConnection conn,
        long roundId, long[] enterpriseIds, CancellationToken ct)
    {
        var found = new Dictionary<long, (DateOnly, Dictionary<CommendationMetric, long>)>();
        await using var cmd = Command(conn,
            "SELECT enterprise_id, registered, funds_delivered_fen, people_kept_six_months, households_reached, villages_reached, linkages_completed, " +
            "loans_without_default FROM commendation_participants WHERE round_id = $1 AND enterprise_id = ANY($2)", roundId, enterpriseIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var values = new Dictionary<CommendationMetric, long>();
            for (var m = 1; m <= 6; m++)
                values[(CommendationMetric)m] = r.GetInt64(1 + m);
            found[r.GetInt64(0)] = (r.GetFieldValue<DateOnly>(1), values);
        }
        return found;
    }

    private static async Task<List<(long Enterprise, ExclusionRecord Exclusion)>> ExclusionsAsync(NpgsqlConnection conn, long roundId, long[] enterpriseIds,
        CancellationToken ct)
    {
        var exclusions = new List<(long, ExclusionRecord)>();
        await using var cmd = Command(conn,
            "SELECT x.enterprise_id, x.reason, x.source_kind, x.source_id, CASE x.source_kind WHEN 7 THEN x.enterprise_id WHEN 8 THEN c.linkage_id END, " +
            "x.note, x.excluded_by, x.exclude_time FROM commendation_exclusions x " +
            "LEFT JOIN linkage_status_changes c ON x.source_kind = 8 AND c.id = x.source_id " +
            "WHERE x.round_id = $1 AND x.enterprise_id = ANY($2) ORDER BY x.enterprise_id, x.reason, x.source_kind, x.source_id", roundId, enterpriseIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            exclusions.Add((r.GetInt64(0), new ExclusionRecord((ExclusionReason)r.GetInt16(1), (CommendationSourceKind)r.GetInt16(2), r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetInt64(4), Str(r, 5), r.GetString(6), r.GetDateTime(7))));
        return exclusions;
    }

    /// <summary>A participant's metrics with the rows behind them, its exclusions and standings; null when it is no participant.</summary>
    public async Task<Explanation?> ExplainAsync(long roundId, long enterpriseId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (!(await ParticipantsAsync(conn, roundId, [enterpriseId], ct)).TryGetValue(enterpriseId, out var participant))
            return null;
        var (registered, values) = participant;
        var sources = new List<SourceRecord>();
        await using (var cmd = Command(conn, CommendationSnapshot.SourcesOf, roundId, enterpriseId))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var metric = (CommendationMetric)r.GetInt32(0);
                sources.Add(new SourceRecord(metric, CommendationSnapshot.KindOf(metric), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3)));
            }
        var exclusions = (await ExclusionsAsync(conn, roundId, [enterpriseId], ct)).Select(x => x.Exclusion).ToList();
        await using var sc = Command(conn,
            "SELECT s.position, s.enterprise_id, e.display_name, s.category, s.score, s.rank, s.because, s.metric " +
            "FROM commendation_standings s JOIN enterprises e ON e.id = s.enterprise_id WHERE s.round_id = $1 AND s.enterprise_id = $2 ORDER BY s.category",
            roundId, enterpriseId);
        return new Explanation(enterpriseId, registered, values, sources, exclusions, await ReadStandingsAsync(sc, ct));
    }

    // ---- awards and preferences ----

    /// <summary>Awards of a county or of one enterprise, newest first, below <paramref name="beforeId"/>.</summary>
    public async Task<List<AwardRecord>> ListAwardsAsync(int countyId, long? enterpriseId, long? beforeId, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(conn,
            "SELECT a.id, a.round_id, a.county_id, a.enterprise_id, e.display_name, a.category, a.rank, a.award_date, " +
            "COALESCE((SELECT json_agg(json_build_array(b.kind, b.valid_from, b.valid_until) ORDER BY b.id) FROM commendation_benefits b WHERE b.award_id = a.id), '[]')::text " +
            "FROM commendation_awards a JOIN enterprises e ON e.id = a.enterprise_id " +
            "WHERE a.county_id = $1 AND ($2::bigint IS NULL OR a.enterprise_id = $2) AND ($3::bigint IS NULL OR a.id < $3) ORDER BY a.id DESC LIMIT $4",
            countyId, (object?)enterpriseId ?? DBNull.Value, (object?)beforeId ?? DBNull.Value, limit);
        cmd.Parameters[1].NpgsqlDbType = NpgsqlDbType.Bigint;
        cmd.Parameters[2].NpgsqlDbType = NpgsqlDbType.Bigint;
        var list = new List<AwardRecord>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var benefits = JsonSerializer.Deserialize<JsonElement[][]>(r.GetString(8))!
                .Select(b => new BenefitRecord(b[0].GetString()!, DateOnly.Parse(b[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                    DateOnly.Parse(b[2].GetString()!, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            list.Add(new AwardRecord(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.GetInt32(6),
                r.GetFieldValue<DateOnly>(7), benefits));
        }
        return list;
    }

    /// <summary>Whether the enterprise with the credit code holds a benefit of the kind on the date (of a published round).</summary>
    public async Task<bool> HoldsAsync(string creditCode, string kind, DateOnly date, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ScalarAsync<bool>(conn,
            "SELECT EXISTS (SELECT 1 FROM enterprises e JOIN commendation_benefits b ON b.enterprise_id = e.id " +
            "WHERE e.credit_code = $1 AND b.kind = $2 AND $3 BETWEEN b.valid_from AND b.valid_until)", ct, creditCode, kind, date);
    }

    // ---- helpers ----

    private static NpgsqlCommand Command(NpgsqlConnection conn, string sql, params object?[] values)
    {
        var cmd = new NpgsqlCommand(sql, conn);
        foreach (var v in values)
            cmd.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
        return cmd;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct, params object?[] values)
    {
        await using var cmd = Command(conn, sql, values);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection conn, string sql, CancellationToken ct, params object?[] values)
    {
        await using var cmd = Command(conn, sql, values);
        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default! : (T)result;
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static DateTime? Time(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDateTime(i);
}
