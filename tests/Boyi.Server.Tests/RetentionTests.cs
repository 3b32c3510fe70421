using System.Globalization;
using Boyi.Domain;
using Boyi.Server.Background;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>A controlled clock, and retention batches of two rows so that every kind takes several statements.</summary>
public sealed class RetentionFixture : ControlledClockFixture
{
    protected override string[] ExtraArguments => ["--Boyi:Retention:BatchSize=2"];
}

/// <summary>
/// The retention job (<see cref="RetentionJob"/>) on rows written with chosen ages, a minute either side of each period
/// (the defaults: operations 90 days, read notifications 180, unread 365, idempotency records 30, job claims 400).
/// </summary>
public sealed class RetentionTests(RetentionFixture s) : IClassFixture<RetentionFixture>
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    private RetentionJob Retention() => ActivatorUtilities.CreateInstance<RetentionJob>(s.Services);

    private DateTime Ago(int days, TimeSpan plus) => s.Clock.GetUtcNow().UtcDateTime - TimeSpan.FromDays(days) + plus;

    [Fact]
    public async Task OldRows_AreRemovedInBatches_WhatIsInsideItsPeriodStays_AndASecondRunRemovesNothing()
    {
        var marker = Guid.NewGuid().ToString("N");
        // Operations: finished just outside and inside 90 days, and one started long ago that never finished.
        var opsOut = new List<string>();
        for (var i = 0; i < 5; i++)
            opsOut.Add(await OperationAsync(marker, done: Ago(90, -Minute)));
        var opIn = await OperationAsync(marker, done: Ago(90, Minute));
        var running = await OperationAsync(marker, done: null);

        // Notifications: read ones go after 180 days, unread ones after 365, one waiting for the webhook never.
        var readOut = await NotificationAsync(marker, Ago(180, -Minute), read: true);
        var readIn = await NotificationAsync(marker, Ago(180, Minute), read: true);
        var unreadAt180 = await NotificationAsync(marker, Ago(180, -Minute), read: false);
        var unreadOut = await NotificationAsync(marker, Ago(365, -Minute), read: false);
        var unreadIn = await NotificationAsync(marker, Ago(365, Minute), read: false);
        var pending = await NotificationAsync(marker, Ago(1000, TimeSpan.Zero), read: false, deliveryState: 1);

        // Idempotency records: 30 days.
        var keyOut = await IdempotencyKeyAsync(marker, Ago(30, -Minute));
        var keyIn = await IdempotencyKeyAsync(marker, Ago(30, Minute));

        // Job claims: periods whose last possible run is more than 400 China days back.
        var oldest = ChinaTime.Today(s.Clock).AddDays(-400);
        string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var claims = new (string Job, string Period, bool Kept)[]
        {
            (RecurringJobs.RentDues, $"1:{Day(oldest.AddDays(-1))}", false),
            (RecurringJobs.RentDues, $"1:{Day(oldest)}", true),
            // The overdue watch keeps the newest day before the bound: the next run tells what fell overdue since it.
            (RecurringJobs.LoanOverdueWatch, Day(oldest.AddDays(-20)), false),
            (RecurringJobs.LoanOverdueWatch, Day(oldest.AddDays(-10)), false),
            (RecurringJobs.LoanOverdueWatch, Day(oldest.AddDays(-1)), true),
            (RecurringJobs.LoanOverdueWatch, Day(oldest), true),
            // A household's flag of a year: any day of that year may run it.
            (RecurringJobs.RelapseIncomeWatch, $"17/{oldest.Year - 1}", false),
            (RecurringJobs.RelapseIncomeWatch, $"17/{oldest.Year}", true),
            // The settlement of a date runs until the next one, three months later.
            (RecurringJobs.InterestSettlement, $"1/{Day(oldest.AddMonths(-3).AddDays(-1))}", false),
            (RecurringJobs.InterestSettlement, $"1/{Day(oldest.AddMonths(-3).AddDays(1))}", true),
            // Claimed per benefit, not per period: always kept.
            (RecurringJobs.BenefitLapseNotices, "987654321", true),
            // A period a job does not recognise is kept.
            (RecurringJobs.RentDues, "not-a-period", true),
        };
        // Compliance alert keys: a run looks back 92 days, and at must-visits from the year before, so 92 + 732 days before
        // the job's next run (today's or tomorrow's 07:00) go; one sent 400 days ago stays.
        var today = ChinaTime.Today(s.Clock);
        await Sql.ExecuteAsync(s, "INSERT INTO compliance_alerts (kind, subject, key, county_id, as_of, send_time) VALUES " +
            "(1, 1, $1, 1, $2, now()), (1, 2, $1, 1, $3, now()), (1, 3, $1, 1, $4, now())",
            marker, today.AddDays(-92 - 732 - 3), today.AddDays(-92 - 732 + 3), oldest.AddDays(-1));
        foreach (var c in claims)
            await Sql.ExecuteAsync(s, "INSERT INTO job_runs (job, period, finish_time) VALUES ($1, $2, $3)", c.Job, c.Period, Ago(800, TimeSpan.Zero));

        var first = (await Retention().RemoveAsync(CancellationToken.None)).Removed;
        Assert.Equal(5, first["operations"]);
        Assert.Equal(1, first["notifications.read"]);
        Assert.Equal(1, first["notifications.unread"]);
        Assert.Equal(1, first["idempotency_keys"]);
        Assert.Equal(claims.Count(c => !c.Kept), first["job_runs"]);
        Assert.Equal(1, first["compliance_alerts"]);
        Assert.Equal(["2", "3"], await Sql.LinesAsync(s, "SELECT subject FROM compliance_alerts WHERE key = $1 ORDER BY subject", marker));

        Assert.Equal([opIn, running], await Sql.LinesAsync(s, "SELECT id FROM operations WHERE kind = $1 ORDER BY id", marker));
        Assert.DoesNotContain(opsOut[0], await Sql.LinesAsync(s, "SELECT id FROM operations"));
        Assert.Equal([readIn, unreadAt180, unreadIn, pending], await Sql.LinesAsync(s, "SELECT id FROM notifications WHERE recipient_user_id = $1 ORDER BY id", marker));
        Assert.DoesNotContain(readOut, await Sql.LinesAsync(s, "SELECT id FROM notifications"));
        Assert.DoesNotContain(unreadOut, await Sql.LinesAsync(s, "SELECT id FROM notifications"));
        Assert.Equal([keyIn], await Sql.LinesAsync(s, "SELECT request_id FROM idempotency_keys WHERE caller = $1 ORDER BY request_id", marker));
        Assert.NotEqual(keyOut, keyIn);
        foreach (var c in claims)
            Assert.True(c.Kept == ((await Sql.LinesAsync(s, "SELECT period FROM job_runs WHERE job = $1 AND period = $2", c.Job, c.Period)).Count == 1), $"{c.Job} {c.Period}");

        var second = (await Retention().RemoveAsync(CancellationToken.None)).Removed;
        Assert.All(second.Values, n => Assert.Equal(0, n));
    }

    [Fact]
    public async Task AClaim_IsKept_WhileHangfireHoldsARunOfItsJobForAnEarlierOccurrence()
    {
        var oldest = ChinaTime.Today(s.Clock).AddDays(-400);
        var held = oldest.AddDays(-30);
        // A failed or scheduled run of 30 days before the bound: an operator may requeue it, so its day and later stay.
        var occurrence = new DateTimeOffset(held.ToDateTime(new TimeOnly(1, 30)), ChinaTime.Offset).ToUnixTimeSeconds();
        var jobs = (IBackgroundJobClientV2)s.Services.GetRequiredService<IBackgroundJobClient>();
        var hold = jobs.Create(Job.FromExpression<RentDueJob>(j => j.RunAsync(CancellationToken.None)), new ScheduledState(TimeSpan.FromDays(3650)),
            new Dictionary<string, object> { ["RecurringJobId"] = RecurringJobs.RentDues, ["Time"] = occurrence });
        string Period(DateOnly d) => $"2:{d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";
        foreach (var d in new[] { held.AddDays(-1), held, oldest.AddDays(-1) })
            await Sql.ExecuteAsync(s, "INSERT INTO job_runs (job, period, finish_time) VALUES ($1, $2, now())", RecurringJobs.RentDues, Period(d));

        try
        {
            await Retention().RemoveAsync(CancellationToken.None);

            Assert.Equal([Period(held), Period(oldest.AddDays(-1))],
                await Sql.LinesAsync(s, "SELECT period FROM job_runs WHERE job = $1 AND period LIKE '2:%' ORDER BY period", RecurringJobs.RentDues));
        }
        finally
        {
            // Gone from Hangfire (as when it expires), with its claims: the other tests count what a run removes.
            foreach (var table in new[] { "jobparameter", "state", "jobqueue" })
                await Sql.ExecuteAsync(s, $"DELETE FROM hangfire.{table} WHERE jobid = $1", long.Parse(hold, CultureInfo.InvariantCulture));
            await Sql.ExecuteAsync(s, "DELETE FROM hangfire.job WHERE id = $1", long.Parse(hold, CultureInfo.InvariantCulture));
            await Sql.ExecuteAsync(s, "DELETE FROM job_runs WHERE job = $1 AND period LIKE '2:%'", RecurringJobs.RentDues);
        }
    }

    [Fact]
    public async Task TwoInstances_RunningAtOnce_RemoveEachRowOnce()
    {
        var marker = Guid.NewGuid().ToString("N");
        for (var i = 0; i < 9; i++)
            await OperationAsync(marker, done: Ago(200, TimeSpan.Zero));

        var runs = await Task.WhenAll(Retention().RemoveAsync(CancellationToken.None), Retention().RemoveAsync(CancellationToken.None));

        Assert.Equal(9, runs.Sum(r => r.Removed["operations"]));
        Assert.Empty(await Sql.LinesAsync(s, "SELECT id FROM operations WHERE kind = $1", marker));
    }

    [Fact]
    public async Task TheJob_LogsWhatItRemovedOfEachKind()
    {
        await Retention().RunAsync(CancellationToken.None);
        Assert.Contains(s.LogLines, l => l.Contains("Retention removed 0 operations, 0 read and 0 unread notifications, 0 idempotency records, 0 job claims, 0 compliance alert keys", StringComparison.Ordinal));
    }

    [Fact]
    public void TheJob_IsDeclaredDailyAt0330ChinaTime()
    {
        using var connection = s.Services.GetRequiredService<JobStorage>().GetConnection();
        var job = Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection, [RecurringJobs.Retention]).Single();
        Assert.Equal("30 3 * * *", job.Cron);
        Assert.Equal(ChinaTime.Zone.Id, job.TimeZoneId);
        // Hangfire removes its own succeeded and deleted jobs a day after they finished; failed ones wait for an operator.
        Assert.Equal(TimeSpan.FromDays(1), s.Services.GetRequiredService<JobStorage>().JobExpirationTimeout);
    }

    [Theory]
    [InlineData("Operations", "0")]
    [InlineData("ReadNotifications", "-1.00:00:00")]
    [InlineData("UnreadNotifications", "00:00:00")]
    [InlineData("JobClaims", "-00:00:01")]
    [InlineData("IdempotencyKeys", "12:00:00")]
    [InlineData("BatchSize", "0")]
    public void ANonPositivePeriod_IsRefusedAtStart_NamingTheOption(string option, string value)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [$"Boyi:Retention:{option}"] = value }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => RetentionOptions.From(config));
        Assert.Contains($"Boyi:Retention:{option}", e.Message, StringComparison.Ordinal);
    }

    private async Task<string> OperationAsync(string kind, DateTime? done)
    {
        var created = done ?? Ago(1000, TimeSpan.Zero);
        return (await Sql.LinesAsync(s,
            "INSERT INTO operations (started_by, kind, done, create_time, update_time, done_time) VALUES ('user:retention', $1, $2, $3, $3, $4) RETURNING id",
            kind, done is not null, created, (object?)done ?? DBNull.Value)).Single();
    }

    private async Task<string> NotificationAsync(string user, DateTime created, bool read, short deliveryState = 0) =>
        (await Sql.LinesAsync(s,
            "INSERT INTO notifications (recipient_kind, recipient_user_id, kind, text, create_time, read_time, delivery_state, delivery_attempts) " +
            "VALUES (1, $1, 'RETENTION_TEST', 'retention', $2, $3, $4, 0) RETURNING id",
            user, created, read ? created : (object)DBNull.Value, deliveryState)).Single();

    private async Task<string> IdempotencyKeyAsync(string caller, DateTime created) =>
        (await Sql.LinesAsync(s,
            "INSERT INTO idempotency_keys (caller, request_id, method, request_hash, create_time, response) VALUES ($1, gen_random_uuid(), 'Test', '\\x00'::bytea, $2, '\\x00'::bytea) RETURNING request_id",
            caller, created)).Single();
}
