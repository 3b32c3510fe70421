using Boyi.Contracts.V1;
using Boyi.Infrastructure.Identity;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>The run command's server with its demo county (small) and demo accounts, as the README has people try it.</summary>
public sealed class DemoFixture : ServerFixture
{
    protected override string[] ExtraArguments => ["--Boyi:Demo=true", "--Boyi:DemoScale=0.02"];

    /// <summary>A channel as the demo account <paramref name="userName"/>, signed in for the first time with a fresh one-time password.</summary>
    public async Task<GrpcChannel> AsDemoAccountAsync(string userName)
    {
        string oneTime;
        await using (var scope = Services.CreateAsyncScope())
            oneTime = (await scope.ServiceProvider.GetRequiredService<UserAdministration>().ResetPasswordAsync(userName))!;
        var (tokens, _) = await People.FirstSignInAsync(this, await PortalClient.RegisterAsync(this), userName, oneTime, "Demo-Pass-2026");
        return TestAuth.Channel(GrpcAddress, tokens.AccessToken);
    }
}

/// <summary>
/// What the demo enterprise's user (README: sign in as `enterprise`) finds through the API right after the seed: the loans
/// its company guarantees in several states, dividends due and paid, employment subsidies its placements earned, and
/// notifications; and what the county's staff find to work on.
/// </summary>
public sealed class DemoMoneyTests(DemoFixture s) : IClassFixture<DemoFixture>
{
    private const string County = "counties/450923";

    [Fact]
    public async Task TheDemoEnterprise_HasGuaranteedLoans_DividendsDueAndPaid_EmploymentSubsidies_AndNotifications()
    {
        using var channel = await s.AsDemoAccountAsync("enterprise");
        long enterpriseId;
        await using (var conn = new NpgsqlConnection(s.Database.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT enterprise_id FROM users WHERE user_name = 'enterprise'", conn);
            enterpriseId = (long)(await cmd.ExecuteScalarAsync())!;
        }
        var enterprise = (await new EnterpriseService.EnterpriseServiceClient(channel).GetEnterpriseAsync(new GetEnterpriseRequest { Name = $"enterprises/{enterpriseId}" })).Enterprise;
        Assert.Equal("博白县富康水牛奶业有限公司", enterprise.DisplayName);

        var loans = (await new LoanService.LoanServiceClient(channel).ListLoansAsync(new ListLoansRequest { Parent = County, Guarantor = enterprise.Name, PageSize = 500 })).Loans;
        Assert.All(loans, l => Assert.Equal(enterprise.Name, l.Guarantor));
        Assert.Superset(new HashSet<LoanState> { LoanState.Applied, LoanState.Disbursed, LoanState.Repaid, LoanState.Overdue }, loans.Select(l => l.State).ToHashSet());

        var dividends = (await new LoanService.LoanServiceClient(channel).ListDividendsAsync(new ListDividendsRequest { Parent = enterprise.Name, PageSize = 500 })).Dividends;
        Assert.Contains(dividends, d => d.State == DividendState.Paid);
        Assert.Contains(dividends, d => d.State == DividendState.Due);
        Assert.Contains(dividends, d => d.State == DividendState.Overdue);
        Assert.All(dividends, d => Assert.Contains(loans, l => d.Name.StartsWith(l.Name + "/", StringComparison.Ordinal)));   // of its entrusted loans

        // The placements' milestones, accrued by the employment job's own code: 1,000 yuan each (the default scheme).
        var subsidies = (await new SubsidyService.SubsidyServiceClient(channel).ListSubsidyRowsAsync(new ListSubsidyRowsRequest
        {
            Parent = County, Kind = SubsidyKind.Employment, Payee = enterprise.Name, PageSize = 500,
        })).Rows;
        Assert.Equal(8, subsidies.Count);
        Assert.All(subsidies, r => Assert.Equal(100_000, r.AmountFen));
        Assert.Equal(6, subsidies.Count(r => r.MilestoneMonths == 6));
        Assert.Contains(subsidies, r => r.Status == SubsidyRowStatus.InBatch);
        Assert.Contains(subsidies, r => r.Status == SubsidyRowStatus.Due);

        var notices = (await new NotificationService.NotificationServiceClient(channel).ListNotificationsAsync(new ListNotificationsRequest { PageSize = 100 })).Notifications;
        Assert.NotEmpty(notices);
        Assert.Contains(notices, n => n.Kind == "LOAN_OVERDUE");
        Assert.All(notices.Where(n => n.Kind.StartsWith("LOAN_", StringComparison.Ordinal)), n => Assert.StartsWith("/loans/", n.Link));
    }

    [Fact]
    public async Task TheDemoCountysStaff_HaveApplicationsToDecide_OverdueLoans_RowsToBatch_AndABatchToReview()
    {
        var loans = new LoanService.LoanServiceClient(s.Channel);
        Assert.NotEmpty((await loans.ListLoansAsync(new ListLoansRequest { Parent = County, Filter = "state = APPLIED", PageSize = 10 })).Loans);
        Assert.NotEmpty((await loans.ListLoansAsync(new ListLoansRequest { Parent = County, Filter = "state = OVERDUE", PageSize = 10 })).Loans);
        var subsidies = new SubsidyService.SubsidyServiceClient(s.Channel);
        foreach (var kind in new[] { SubsidyKind.Employment, SubsidyKind.Interest })
            Assert.NotEmpty((await subsidies.ListSubsidyRowsAsync(new ListSubsidyRowsRequest { Parent = County, Kind = kind, Status = SubsidyRowStatus.Due, PageSize = 10 })).Rows);
        var batch = Assert.Single((await new PaymentBatchService.PaymentBatchServiceClient(s.Channel).ListPaymentBatchesAsync(
            new ListPaymentBatchesRequest { Parent = County, PageSize = 10 })).Batches);
        Assert.Equal((PaymentBatchState.Draft, PaymentBatchKind.Employment), (batch.State, batch.Kind));
        Assert.True(batch.RowCount > 0);

        // The demo's auditor reads the same batch.
        using var auditor = await s.AsDemoAccountAsync("auditor");
        Assert.Equal(batch.Name, Assert.Single((await new PaymentBatchService.PaymentBatchServiceClient(auditor).ListPaymentBatchesAsync(
            new ListPaymentBatchesRequest { Parent = County, PageSize = 10 })).Batches).Name);
    }
}
