using System.Diagnostics;
using Boyi.Domain.Commendations;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Commendations;
using Boyi.Infrastructure.Seeding;
using Boyi.Infrastructure.Statements;
using Xunit.Abstractions;

namespace Boyi.Infrastructure.Tests.Seeding;

/// <summary>The demo's commendations and statements (<see cref="DemoCommendations"/>) on a small county seeded on 28 November 2026.</summary>
public sealed class DemoCommendationsTests(ITestOutputHelper output)
{
    private const string Admin = "user:demo-admin", Reviewer = "user:demo-reviewer";

    private static async Task<SeededDatabase> SeedAsync(ITestOutputHelper? output = null)
    {
        var seeded = await SeededDatabase.CreateAsync(new DemoCountyOptions { Scale = 0.03 });
        var watch = Stopwatch.StartNew();
        Assert.True(await DemoCommendations.AddAsync(seeded.Database, seeded.CountyId, seeded.Clock, Admin, Reviewer, CancellationToken.None));
        output?.WriteLine($"commendations and statements added in {watch.Elapsed.TotalSeconds:F2} s");
        return seeded;
    }

    [Fact]
    public async Task LastYearsRound_IsPublished_WithAnExclusionByOneAdministrator_AndAwardsWithBenefits_ThisYearsComputed_AndLastYearsStatementsIssued()
    {
        await using var seeded = await SeedAsync(output);
        var database = seeded.Database;
        var county = seeded.CountyId;
        Assert.False(await DemoCommendations.AddAsync(database, county, seeded.Clock, Admin, Reviewer, CancellationToken.None));   // once
        var store = new CommendationStore(database.DataSource, new NotificationWriter(false), seeded.Clock);

        // Deliveries over last year and this year to date, in the county's poor villages.
        Assert.Equal(0, await database.ScalarAsync<int>(
            "SELECT count(*) FROM deliveries d JOIN projects p ON p.id = d.project_id JOIN villages v ON v.id = p.village_id " +
            "WHERE NOT v.poor OR v.county_id <> $1 OR d.date < DATE '2025-01-01' OR d.date >= DATE '2026-11-28'", county));
        Assert.True(await database.ScalarAsync<int>("SELECT count(*) FROM deliveries WHERE date >= DATE '2026-01-01'") > 0);
        Assert.Equal(7, await database.ScalarAsync<int>("SELECT count(DISTINCT enterprise_id) FROM projects WHERE county_id = $1", county));

        // The schemes: last year's frozen by its published round, this year's revised once.
        var lastScheme = (await store.GetSchemeAsync(county, 2025, CancellationToken.None))!;
        Assert.True(lastScheme.Frozen);
        Assert.Equal((1, Admin), (lastScheme.Revision, lastScheme.ChangedBy));
        Assert.Equal([DemoCommendations.Caring, DemoCommendations.Outstanding], lastScheme.Scheme.Categories.Select(c => c.Code));
        Assert.Empty(lastScheme.Scheme.Validate().Items);
        var thisScheme = (await store.GetSchemeAsync(county, 2026, CancellationToken.None))!;
        Assert.Equal((2, false, 5), (thisScheme.Revision, thisScheme.Frozen, thisScheme.Scheme.Categories[0].Cap));

        var rounds = await store.ListRoundsAsync(county, null, 10, CancellationToken.None);
        Assert.Equal(2, rounds.Count);
        var current = rounds[0];
        Assert.Equal((2026, new DateOnly(2026, 10, 31), RoundState.Computed, 2), (current.Year, current.CutOff, current.State, current.SchemeRevision));
        var published = rounds[1];
        Assert.Equal((2025, new DateOnly(2025, 12, 31), RoundState.Published), (published.Year, published.CutOff, published.State));
        Assert.Equal((Admin, Admin, Reviewer, Reviewer), (published.OpenedBy, published.ComputedBy, published.ConfirmedBy, published.PublishedBy));
        Assert.Equal(7, published.ParticipantCount);
        Assert.True(published.OpenTime < published.ComputeTime && published.ComputeTime < published.ConfirmTime && published.ConfirmTime < published.PublishTime);

        // One exclusion on review, by the administrator with a reason: the enterprise funding most drops out of the ranking.
        var excluded = await database.ScalarAsync<long>("SELECT id FROM enterprises WHERE display_name = $1", DemoCommendations.ExcludedName);
        var exclusion = Assert.Single((await store.ExplainAsync(published.Id, excluded, CancellationToken.None))!.Exclusions);
        Assert.Equal((ExclusionReason.ByReview, DemoCommendations.ExclusionNote, Admin), (exclusion.Reason, exclusion.Note, exclusion.ExcludedBy));
        var caring = await store.ListStandingsAsync(published.Id, DemoCommendations.Caring, 0, 100, null, false, CancellationToken.None);
        Assert.Equal(7, caring.Count);
        Assert.Contains(caring, s => s.EnterpriseId == excluded && s.Rank is null && s.Because == IneligibleBecause.Excluded);

        // Awards with their benefits, valid today: three 爱心企业, and the dairy company (placements, loans) 优秀帮扶企业.
        var awards = await store.ListAwardsAsync(county, null, null, 100, CancellationToken.None);
        Assert.Equal(3, awards.Count(a => a.Category == DemoCommendations.Caring));
        var dairy = county * 1_000_000L + 1;
        Assert.Contains(awards, a => a.Category == DemoCommendations.Outstanding && a.EnterpriseId == dairy && a.Rank == 1);
        Assert.DoesNotContain(awards, a => a.EnterpriseId == excluded);
        Assert.All(awards, a => Assert.Equal((published.Id, new DateOnly(2026, 1, 16)), (a.RoundId, a.AwardDate)));
        Assert.All(awards, a => Assert.NotEmpty(a.Benefits));
        Assert.All(awards.SelectMany(a => a.Benefits), b => Assert.InRange(new DateOnly(2026, 11, 28), b.ValidFrom, b.ValidUntil));
        var dairyCode = await database.ScalarAsync<string>("SELECT credit_code FROM enterprises WHERE id = $1", dairy);
        Assert.True(await store.HoldsAsync(dairyCode, "LOAN_INTEREST_DISCOUNT", new DateOnly(2026, 11, 28), CancellationToken.None));
        Assert.True(await database.ScalarAsync<int>("SELECT count(*) FROM notifications WHERE kind = $1", CommendationStore.PublishedKind) >= 7);

        // This year's round: computed, standings in both categories, nothing awarded yet.
        Assert.NotEmpty(await store.ListStandingsAsync(current.Id, DemoCommendations.Outstanding, 0, 100, null, false, CancellationToken.None));
        Assert.Equal(0, await database.ScalarAsync<int>("SELECT count(*) FROM commendation_awards WHERE round_id = $1", current.Id));

        // Last year's statements: one per enterprise that delivered in 2025, as the job issued them on 1 January, each the sum of its year.
        var statements = new StatementStore(database, new NotificationWriter(false), seeded.Clock);
        var issued = await statements.ListAsync(county, null, 2025, null, 100, CancellationToken.None);
        Assert.Equal(await database.ScalarAsync<int>("SELECT count(DISTINCT p.enterprise_id) FROM projects p JOIN deliveries d ON d.project_id = p.id WHERE d.date < DATE '2026-01-01'"),
            issued.Count);
        Assert.Equal(Enumerable.Range(1, issued.Count), issued.Select(s => s.Row.Sequence).Order());
        Assert.All(issued, s => Assert.Equal((StatementStore.JobActor, new DateTime(2025, 12, 31, 18, 0, 0, DateTimeKind.Utc)), (s.Row.IssuedBy, s.Row.IssueTime)));
        foreach (var s in issued)
            Assert.Equal(await database.ScalarAsync<long>(
                "SELECT sum(d.amount_fen) FROM deliveries d JOIN projects p ON p.id = d.project_id WHERE p.enterprise_id = $1 AND d.date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'",
                s.Row.EnterpriseId), s.Row.TotalFen);
        Assert.True(await JobRuns.IsDoneAsync(database.DataSource, StatementStore.JobId, $"2025/{county}", CancellationToken.None));
        Assert.Empty(await statements.ListAsync(county, null, 2026, null, 100, CancellationToken.None));
    }

    [Fact]
    public async Task SeedingTwice_GivesTheSameRounds_Standings_Awards_AndStatements()
    {
        await using var first = await SeedAsync();
        await using var second = await SeedAsync();
        const string Fingerprint = """
            SELECT (SELECT string_agg(concat_ws(',', id, year, cut_off, state, scheme_revision, publish_date), ';' ORDER BY id) FROM commendation_rounds)
                || '|' || (SELECT string_agg(concat_ws(',', round_id, category, position, enterprise_id, score, rank, because, metric), ';' ORDER BY round_id, category, position) FROM commendation_standings)
                || '|' || (SELECT string_agg(concat_ws(',', round_id, enterprise_id, funds_delivered_fen, people_kept_six_months, households_reached, villages_reached, loans_without_default, delivery_ids), ';' ORDER BY round_id, enterprise_id) FROM commendation_participants)
                || '|' || (SELECT string_agg(concat_ws(',', id, enterprise_id, category, rank, award_date), ';' ORDER BY id) FROM commendation_awards)
                || '|' || (SELECT string_agg(concat_ws(',', award_id, kind, valid_from, valid_until), ';' ORDER BY id) FROM commendation_benefits)
                || '|' || (SELECT string_agg(concat_ws(',', id, enterprise_id, year, sequence, total_fen), ';' ORDER BY id) FROM statements)
                || '|' || (SELECT string_agg(concat_ws(',', id, project_id, date, amount_fen), ';' ORDER BY id) FROM deliveries)
            """;
        var a = await first.Database.ScalarAsync<string>(Fingerprint);
        Assert.Equal(a, await second.Database.ScalarAsync<string>(Fingerprint));
        Assert.Contains("|", a);
    }
}
