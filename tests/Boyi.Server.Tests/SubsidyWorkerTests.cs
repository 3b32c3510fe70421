using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Access;
using Boyi.Domain.Money;
using Boyi.Infrastructure.Background;
using Boyi.Server.Background;
using Boyi.Testing;
using Google.LongRunning;
using Hangfire;
using Npgsql;
using SubsidyKind = Boyi.Contracts.V1.SubsidyKind;

namespace Boyi.Server.Tests;

/// <summary>The hand-computed loans in a county, seeded through the API of an in-process server without workers.</summary>
public sealed class SubsidySeed : CountyFixture
{
    public Dictionary<string, Loan> Loans { get; private set; } = [];

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var (lender, schemes) = await SubsidyLoans.SchemesAsync(Channel, County.Name);
        Loans = await SubsidyLoans.HandComputedAsync(this, Channel, schemes, lender, County.Towns[0].Villages[0]);
    }
}

/// <summary>
/// The subsidy runs across real server processes on one database (see <see cref="WorkerProcessTests"/>): a run started
/// through the API whose process is killed in the middle of writing the ledger is run again after a restart (or by
/// another instance), ends its operation with the full result, and leaves one row per loan and period; two instances
/// run the recurring settlement once per period.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class SubsidyWorkerTests
{
    private const int County = 450923;

    [Fact]
    public Task ARunWhoseProcessIsKilledMidWrite_IsRunAgain_AndLeavesOneRowPerLoanAndPeriod() => WithSeedAsync(async (seed, owner, storage) =>
        {
            var period = SubsidyLoans.Day(2026, 6, 20);
            var expected = SubsidyLoans.Expected.Where(e => e.Settled.Equals(period)).ToList();
            var last = seed.Loans.Values.Select(l => long.Parse(l.Name.Split('/')[1])).Max();
            Assert.Contains(expected, e => seed.Loans[e.Case].Name == $"loans/{last}");

            // A row of the last loan for the period, written and not committed: the run's insert writes the rows before it
            // and then waits on this one, inside its transaction, where the process is killed.
            await using var blocker = await owner.OpenConnectionAsync();
            await using var blocking = await blocker.BeginTransactionAsync();
            await using (var cmd = new NpgsqlCommand(
                "INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, loan_id, accrual_date, amount_fen, reason, status, create_time) " +
                $"VALUES ({County}, 2, 3, 1, {last}, '2026-06-20', 1, 'blocker', 1, now())", blocker, blocking))
                await cmd.ExecuteNonQueryAsync();

            // Started through the first server's API, by a client that follows the operation through whichever server answers.
            var (id, secret) = await TestAuth.RegisterClientAsync(seed.Services, Scopes.All);
            await using var first = await ServerProcess.StartAsync(seed.Database, WorkerProcessTests.FastWorkers);
            Operation started;
            using (var channel = TestAuth.Channel(first.GrpcAddress, (await TestAuth.RequestTokenAsync(first.HttpAddress, id, secret)).AccessToken))
            {
                started = await new SubsidyService.SubsidyServiceClient(channel).StartSubsidyRunAsync(new StartSubsidyRunRequest
                {
                    County = $"counties/{County}", Kind = SubsidyKind.Interest, Date = period, RequestId = Guid.NewGuid().ToString(),
                });
            }
            await Poll.UntilAsync(async () => await ScalarAsync(owner,
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'WITH written AS (INSERT INTO subsidy_ledger%'") == 1,
                "the run to wait on the uncommitted row, in the middle of its insert");
            first.Kill();
            await blocking.RollbackAsync();

            // Started again (another instance would do as well): the run is retried and the operation ends with its result.
            await using var second = await ServerProcess.StartAsync(seed.Database, WorkerProcessTests.FastWorkers);
            using var again = TestAuth.Channel(second.GrpcAddress, (await TestAuth.RequestTokenAsync(second.HttpAddress, id, secret)).AccessToken);
            var operations = new Operations.OperationsClient(again);
            Operation done = null!;
            await Poll.UntilAsync(async () => (done = await operations.GetOperationAsync(new GetOperationRequest { Name = started.Name })).Done,
                "the run to be retried and done");
            Assert.Null(done.Error);
            var result = done.Response.Unpack<SubsidyRunResult>();
            Assert.Equal((expected.Count, expected.Sum(e => e.Subsidy)), (result.RowsWritten, result.TotalFen));
            Assert.Equal(expected.Count, await ScalarAsync(owner, "SELECT count(*) FROM subsidy_ledger WHERE kind = 2 AND accrual_date = '2026-06-20'"));
            Assert.Equal(expected.Count, await ScalarAsync(owner, "SELECT count(DISTINCT loan_id) FROM subsidy_ledger WHERE kind = 2 AND accrual_date = '2026-06-20'"));
            Assert.Equal(expected.Sum(e => e.Subsidy), await ScalarAsync(owner, "SELECT sum(amount_fen) FROM subsidy_ledger WHERE kind = 2"));
        });

    [Fact]
    public Task TwoInstances_RunTheRecurringSettlement_OncePerCountyAndPeriod() => WithSeedAsync(async (seed, owner, storage) =>
        {
            await using var a = await ServerProcess.StartAsync(seed.Database, WorkerProcessTests.FastWorkers);
            await using var b = await ServerProcess.StartAsync(seed.Database, WorkerProcessTests.FastWorkers);
            // The real job under its own id, every 2 seconds instead of quarterly: every occurrence settles the same period.
            var recurring = new RecurringJobManager(storage);
            recurring.AddOrUpdate<InterestSettlementJob>(RecurringJobs.InterestSettlement, j => j.RunAsync(CancellationToken.None), "*/2 * * * * *",
                RecurringJobs.Options);
            await Poll.UntilAsync(async () => await ScalarAsync(owner,
                    "SELECT count(*) FROM hangfire.job WHERE statename = 'Succeeded' AND invocationdata::text LIKE '%InterestSettlementJob%'") >= 4,
                "four occurrences of the settlement");
            recurring.RemoveIfExists(RecurringJobs.InterestSettlement);

            var settled = SettlementCalendar.LatestOnOrBefore(ChinaTime.Today(TimeProvider.System));
            Assert.Equal(1, await ScalarAsync(owner, $"SELECT count(*) FROM job_runs WHERE job = '{RecurringJobs.InterestSettlement}'"));
            Assert.Equal(1, await ScalarAsync(owner,
                $"SELECT count(*) FROM job_runs WHERE job = '{RecurringJobs.InterestSettlement}' AND period = '{County}/{settled:yyyy-MM-dd}'"));
            // The mid-period loan (from 2026-05-10, 3 years' subsidy) has a subsidy in every period until 2029: the
            // occurrences wrote its row once.
            Assert.Equal(1, await ScalarAsync(owner,
                $"SELECT count(*) FROM subsidy_ledger WHERE kind = 2 AND loan_id = {seed.Loans["mid-period"].Name.Split('/')[1]} AND accrual_date = '{settled:yyyy-MM-dd}'"));
            Assert.Equal(0, await ScalarAsync(owner,
                "SELECT count(*) FROM (SELECT 1 FROM subsidy_ledger WHERE kind = 2 GROUP BY loan_id, accrual_date HAVING count(*) > 1) d"));
        });

    /// <summary>
    /// Runs <paramref name="test"/> on a seeded database (dropped after) with a data source as its owner and Hangfire's
    /// storage as the app role, for the test to enqueue and schedule as a server would.
    /// </summary>
    private static async Task WithSeedAsync(Func<SubsidySeed, NpgsqlDataSource, JobStorage, Task> test)
    {
        var seed = new SubsidySeed();
        await seed.InitializeAsync();
        try
        {
            await using var owner = seed.Database.CreateDataSource();
            JobsExtensions.ConfigureHangfire();
            await using var app = Boyi.Infrastructure.Data.Database.CreateDataSource(seed.Database.AppConnectionString);
            await test(seed, owner, JobsExtensions.CreateStorage(app, new JobsOptions()));
        }
        finally
        {
            await seed.DisposeAsync();
        }
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }
}
