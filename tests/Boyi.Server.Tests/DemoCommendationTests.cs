using Boyi.Contracts.V1;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// What the demo's people find of commendations and statements right after the seed (DemoCommendations): the
/// enterprise (the dairy company) its award of last year with the benefits, its standing and why, its statement and the
/// notices; the auditor last year's round computed by `admin` and confirmed and published by `reviewer`, and this year's.
/// </summary>
public sealed class DemoCommendationTests(DemoFixture s) : IClassFixture<DemoFixture>
{
    private const string County = "counties/450923";

    private async Task<string> UserIdAsync(string userName)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id || ',' || coalesce(enterprise_id::text, '') FROM users WHERE user_name = $1", conn);
        cmd.Parameters.Add(new() { Value = userName });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task TheDemoEnterprise_HasLastYearsAwardWithBenefits_ItsStanding_ItsStatement_AndTheNotices()
    {
        var enterprise = $"enterprises/{(await UserIdAsync("enterprise")).Split(',')[1]}";
        var lastYear = DateTime.UtcNow.AddHours(8).Year - 1;
        using var channel = await s.AsDemoAccountAsync("enterprise");
        var commendations = new CommendationService.CommendationServiceClient(channel);

        var award = Assert.Single((await commendations.ListCommendationAwardsAsync(new ListCommendationAwardsRequest { Parent = enterprise })).Awards);
        Assert.Equal(("OUTSTANDING_PARTNER", 1, "博白县富康水牛奶业有限公司"), (award.Category, award.Rank, award.EnterpriseDisplayName));
        Assert.Equal(["LOAN_INTEREST_DISCOUNT", "TAX_GREEN_CHANNEL"], award.Benefits.Select(b => b.Kind).Order());

        var rounds = (await commendations.ListCommendationRoundsAsync(new ListCommendationRoundsRequest { Parent = County })).Rounds;
        Assert.Equal([CommendationRoundState.Computed, CommendationRoundState.Published], rounds.Select(r => r.State));
        var why = await commendations.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = $"{rounds[1].Name}/standings/{enterprise.Split('/')[1]}" });
        Assert.Contains(why.Metrics, m => m.Metric == CommendationMetric.HouseholdsReached && m.Value >= 5 && m.Sources.Count == m.Value);
        Assert.Contains(why.Metrics, m => m.Metric == CommendationMetric.FundsDelivered && m.Value > 0);
        // The published ranking: the ranked of every category, not another's metrics.
        var caring = (await commendations.ListCommendationStandingsAsync(new ListCommendationStandingsRequest { Parent = rounds[1].Name, Category = "CARING_ENTERPRISE" })).Standings;
        Assert.Equal(3, caring.Count(st => st.Rank > 0 && st.WithinCap));

        var statement = Assert.Single((await new StatementService.StatementServiceClient(channel).ListStatementsAsync(
            new ListStatementsRequest { Parent = enterprise, Year = lastYear })).Statements);
        Assert.True(statement.TotalFen > 0);
        Assert.StartsWith($"450923-{lastYear}-", statement.Number);

        var kinds = (await new NotificationService.NotificationServiceClient(channel).ListNotificationsAsync(new ListNotificationsRequest { PageSize = 1000 }))
            .Notifications.Select(n => n.Kind).ToHashSet();
        Assert.Superset(new HashSet<string> { "COMMENDATION_ROUND_PUBLISHED", "STATEMENT_ISSUED" }, kinds);
    }

    [Fact]
    public async Task TheAuditor_SeesLastYearsRound_ComputedAndExcludedByAdmin_ConfirmedAndPublishedByReviewer_AndThisYearsComputed()
    {
        var (admin, reviewer) = ($"user:{(await UserIdAsync("admin")).Split(',')[0]}", $"user:{(await UserIdAsync("reviewer")).Split(',')[0]}");
        using var auditor = await s.AsDemoAccountAsync("auditor");
        var commendations = new CommendationService.CommendationServiceClient(auditor);
        var rounds = (await commendations.ListCommendationRoundsAsync(new ListCommendationRoundsRequest { Parent = County })).Rounds;
        var (current, published) = (rounds[0], rounds[1]);
        Assert.Equal((admin, admin, reviewer, reviewer), (published.OpenedBy, published.ComputedBy, published.ConfirmedBy, published.PublishedBy));
        Assert.Equal((admin, ""), (current.ComputedBy, current.PublishedBy));

        var awards = (await commendations.ListCommendationAwardsAsync(new ListCommendationAwardsRequest { Parent = County, PageSize = 100 })).Awards;
        Assert.Equal(4, awards.Count);
        Assert.All(awards, a => Assert.NotEmpty(a.Benefits));
        var excluded = (await commendations.ListCommendationStandingsAsync(new ListCommendationStandingsRequest { Parent = published.Name, Category = "CARING_ENTERPRISE" }))
            .Standings.Single(st => st.NotEligibleReason == "EXCLUDED");
        var why = await commendations.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest { Name = excluded.Name });
        var exclusion = Assert.Single(why.Exclusions);
        Assert.Equal((CommendationExclusion.ByReview, admin), (exclusion.Reason, exclusion.ExcludedBy));
        Assert.NotEmpty(exclusion.Note);

        var statements = (await new StatementService.StatementServiceClient(auditor).ListStatementsAsync(
            new ListStatementsRequest { Parent = County, Year = DateTime.UtcNow.AddHours(8).Year - 1, PageSize = 100 })).Statements;
        Assert.Equal(7, statements.Count);
        Assert.All(statements, st => Assert.Equal("job:yearly-statements", st.IssuedBy));
    }
}
