using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>A county's contact-duty policy through the real server and PostgreSQL: defaults, revisions, etags, validation.</summary>
public sealed class DutyPolicyTests(ServerFixture s) : IClassFixture<ServerFixture>
{
    private DutyPolicyService.DutyPolicyServiceClient Duties => new(s.Channel);
    private static int _county = 450930;

    /// <summary>A county of its own for each test, so their revisions do not mix.</summary>
    private async Task<string> PolicyOfNewCountyAsync() =>
        $"{(await Api.CreateCountyAsync(s, Interlocked.Increment(ref _county), towns: 1, villages: 1)).Name}/dutyPolicy";

    private static Google.Type.Date D(int y, int m, int d) => new() { Year = y, Month = m, Day = d };

    [Fact]
    public async Task ACountyThatStoredNoPolicy_HasTheDefaults_AsRevisionZero_AndNoHistory()
    {
        var name = await PolicyOfNewCountyAsync();
        var p = (await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = name })).Policy;
        Assert.Equal((name, 0, "0", (Google.Protobuf.WellKnownTypes.Timestamp?)null), (p.Name, p.Revision, p.Etag, p.UpdateTime));
        Assert.Equal((1, 1, 7, 48, 15, 7), (p.ContactsPerMonth, p.VisitsPerQuarter, p.EntryWindowDays, p.CorrectionWindowHours, p.FestivalDaysBefore, p.FestivalDaysAfter));
        Assert.Equal((7, 7, 3, 7), (p.DifficultyVisitDays, p.LifeEventVisitDays, p.DeathVisitDays, p.DisputeVisitDays));
        Assert.Equal(["春节 1/1", "端午 5/5", "中秋 8/15", "重阳 9/9"], p.Festivals.Select(f => $"{f.DisplayName} {f.LunarMonth}/{f.LunarDay}"));
        Assert.Empty(p.BusySeasons);
        Assert.Empty((await Duties.ListDutyPolicyRevisionsAsync(new ListDutyPolicyRevisionsRequest { Parent = name })).Revisions);
    }

    [Fact]
    public async Task EveryUpdate_IsANewRevision_WithWhoWhenAndWhy_AndAStaleEtagIsRefused()
    {
        var name = await PolicyOfNewCountyAsync();
        var p = (await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = name })).Policy;
        p.BusySeasons.Add(new BusySeason { Code = "DOUBLE_HARVEST", DisplayName = "双抢", StartDate = D(2026, 7, 1), EndDate = D(2026, 7, 31) });
        p.ContactsPerMonth = 2;
        var first = (await Duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = p, Reason = "县委决定每月两次联系", RequestId = Guid.NewGuid().ToString() })).Policy;
        Assert.Equal((1, "1", 2), (first.Revision, first.Etag, first.ContactsPerMonth));
        Assert.NotNull(first.UpdateTime);
        Assert.Equal(D(2026, 7, 31), Assert.Single(first.BusySeasons).EndDate);
        Assert.Equal(first, (await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = name })).Policy);

        // Someone working from the defaults (etag 0) is refused; from the latest revision it passes.
        p.ContactsPerMonth = 3;
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await Duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = p, Reason = "再改" }));
        p.Etag = first.Etag;
        var second = (await Duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = p, Reason = "每月三次" })).Policy;
        Assert.Equal((2, 3), (second.Revision, second.ContactsPerMonth));

        var page1 = await Duties.ListDutyPolicyRevisionsAsync(new ListDutyPolicyRevisionsRequest { Parent = name, PageSize = 1 });
        var r2 = Assert.Single(page1.Revisions);
        Assert.Equal(($"{name}/revisions/2", 2, "每月三次", 3), (r2.Name, r2.Revision, r2.Reason, r2.Policy.ContactsPerMonth));
        Assert.StartsWith("client:", r2.ChangedBy);
        var page2 = await Duties.ListDutyPolicyRevisionsAsync(new ListDutyPolicyRevisionsRequest { Parent = name, PageSize = 1, PageToken = page1.NextPageToken });
        var r1 = Assert.Single(page2.Revisions);
        Assert.Equal((1, "县委决定每月两次联系", 2), (r1.Revision, r1.Reason, r1.Policy.ContactsPerMonth));
        Assert.Equal(first, r1.Policy);
        Assert.Equal("", page2.NextPageToken);
    }

    [Fact]
    public async Task ARetriedUpdate_AnswersTheFirstResponse_WithoutAnotherRevision()
    {
        var name = await PolicyOfNewCountyAsync();
        var p = (await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = name })).Policy;
        var request = new UpdateDutyPolicyRequest { Policy = p, Reason = "存档默认制度", RequestId = Guid.NewGuid().ToString() };
        var first = await Duties.UpdateDutyPolicyAsync(request);
        var again = await Duties.UpdateDutyPolicyAsync(request);
        Assert.Equal(first, again);
        Assert.Single((await Duties.ListDutyPolicyRevisionsAsync(new ListDutyPolicyRevisionsRequest { Parent = name })).Revisions);
    }

    [Fact]
    public async Task AnInvalidPolicy_IsRefused_WithEveryFieldNamed_AndNothingStored()
    {
        var name = await PolicyOfNewCountyAsync();
        var p = (await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = name })).Policy;
        p.BusySeasons.Add(new BusySeason { Code = "SPRING_PLOUGHING", DisplayName = "春耕", StartDate = D(2026, 3, 1), EndDate = D(2026, 4, 15) });
        p.BusySeasons.Add(new BusySeason { Code = "EARLY_RICE", DisplayName = "早稻", StartDate = D(2026, 4, 10), EndDate = D(2026, 5, 1) });
        p.BusySeasons.Add(new BusySeason { Code = "WINTER", DisplayName = "冬种", StartDate = D(2026, 12, 1), EndDate = D(2027, 1, 10) });
        p.Festivals.Add(new LunarFestival { Code = "MID_AUTUMN", DisplayName = "中秋", LunarMonth = 8, LunarDay = 15 });
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = p }));
        Assert.Equal(
            ["policy.busy_seasons[1].start_date OVERLAPS", "policy.busy_seasons[2].end_date OTHER_YEAR", "policy.festivals DUPLICATE_CODE",
             "policy.festivals DUPLICATE_DATE", "reason REQUIRED"],
            e.BadRequest()!.FieldViolations.Select(v => $"{v.Field} {v.Reason}").Order(StringComparer.Ordinal));

        // A season without its dates is named as such; the other checks still run.
        var q = (await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = name })).Policy;
        q.BusySeasons.Add(new BusySeason { Code = "LATE_RICE", DisplayName = "晚稻", StartDate = D(2026, 10, 1) });
        q.FestivalDaysBefore = 0;
        var missing = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Duties.UpdateDutyPolicyAsync(new UpdateDutyPolicyRequest { Policy = q, Reason = "缺日期" }));
        Assert.Equal(["policy.busy_seasons[0].end_date"], missing.BadRequest()!.FieldViolations.Select(v => v.Field));

        Assert.Empty((await Duties.ListDutyPolicyRevisionsAsync(new ListDutyPolicyRevisionsRequest { Parent = name })).Revisions);
    }

    [Fact]
    public async Task AMissingCounty_IsNotFound_AndAMalformedName_IsInvalid()
    {
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = "counties/459999/dutyPolicy" }));
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Duties.GetDutyPolicyAsync(new GetDutyPolicyRequest { Name = "counties/450923/pairingPolicy" }));
        Assert.Equal("name", Assert.Single(e.BadRequest()!.FieldViolations).Field);
    }
}
