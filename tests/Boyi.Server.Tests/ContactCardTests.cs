using Boyi.Contracts.V1;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>Contact cards (联系卡) recorded as issued: by a cadre for their households, by staff (here the all-scopes client) for a town.</summary>
public sealed class ContactCardTests(ContactFixture s) : IClassFixture<ContactFixture>
{
    private ContactService.ContactServiceClient Admin => new(s.Channel);
    private ContactService.ContactServiceClient Cadre => new(s.CadreChannel);

    private DateOnly Today => Boyi.Domain.ChinaTime.Today(s.Services.GetRequiredService<TimeProvider>());
    private static Google.Type.Date Day(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    [Fact]
    public async Task ACadre_RecordsTheirCards_OncePerDay_AndReachesNoOtherCadreOrTown()
    {
        var day = Today.AddDays(-3);
        var first = await Cadre.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = s.C1.Name, IssueDate = Day(day), RequestId = Guid.NewGuid().ToString() });
        Assert.Equal((1, 0), (first.IssuedCount, first.AlreadyRecordedCount));
        // The same sheet recorded again that day adds nothing.
        var again = await Cadre.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = s.C1.Name, IssueDate = Day(day) });
        Assert.Equal((0, 1), (again.IssuedCount, again.AlreadyRecordedCount));

        var mine = (await Cadre.ListContactCardIssuesAsync(new ListContactCardIssuesRequest { Parent = s.County.Name })).Issues;
        var issue = Assert.Single(mine, i => i.IssueDate.Equals(Day(day)));
        Assert.Equal((s.P1.Household, s.C1.Name, s.P1.Name, s.P1.ContactCardNumber), (issue.Household, issue.Cadre, issue.Pairing, issue.ContactCardNumber));
        Assert.Equal(ActorRole.Cadre, issue.ActorDisplay.Role);

        // Another cadre's households and a whole town are not a cadre's to record: as if they did not exist.
        var other = (await s.Pairings.GetPairingAsync(new GetPairingRequest { Name = s.P2.Name })).Pairing.Cadre;
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Cadre.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = other, IssueDate = Day(day) }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await Cadre.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = s.County.Towns[0].Name, IssueDate = Day(day) }));
    }

    [Fact]
    public async Task ATownsCards_AreRecordedForItsPairedHouseholds_ListedByArea_AndCarriedByTheChangeFeed()
    {
        var linkages = new LinkageService.LinkageServiceClient(s.Channel);
        using var watch = linkages.WatchChanges(new WatchChangesRequest { Parent = s.County.Name, StartFromNow = true }, deadline: DateTime.UtcNow.AddMinutes(2));
        await watch.ResponseHeadersAsync;
        var town = s.County.Towns[1].Name;
        var r = await Admin.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = town, IssueDate = Day(Today), RequestId = Guid.NewGuid().ToString() });
        Assert.True(r.IssuedCount >= 1);

        var issues = (await Admin.ListContactCardIssuesAsync(new ListContactCardIssuesRequest { Parent = town, PageSize = 500 })).Issues;
        Assert.Equal(r.IssuedCount, issues.Count(i => i.IssueDate.Equals(Day(Today))));
        Assert.Contains(issues, i => i.Household == s.P2.Household);
        Assert.DoesNotContain(issues, i => i.Household == s.P1.Household);   // town 1's household is not town 2's
        // The cadre of town 1 sees none of town 2's cards.
        Assert.DoesNotContain((await Cadre.ListContactCardIssuesAsync(new ListContactCardIssuesRequest { Parent = s.County.Name })).Issues, i => i.Household == s.P2.Household);

        var card = issues.Single(i => i.Household == s.P2.Household && i.IssueDate.Equals(Day(Today)));
        while (await watch.ResponseStream.MoveNext())
        {
            if (watch.ResponseStream.Current.Object == card.Name)
                break;
        }
        Assert.Equal("contact_card.issued", watch.ResponseStream.Current.Change);
    }

    [Fact]
    public async Task AnIssueDate_InTheFuture_OrMoreThanAYearAgo_OrMissing_IsRefusedOnTheField()
    {
        foreach (var (date, reason) in new[] { (Day(Today.AddDays(1)), "IN_FUTURE"), (Day(Today.AddDays(-367)), "OUT_OF_RANGE"), ((Google.Type.Date?)null, "REQUIRED") })
        {
            var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
                await Admin.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = s.County.Towns[0].Name, IssueDate = date }));
            Assert.Equal(("issue_date", reason), (e.BadRequest()!.FieldViolations[0].Field, e.BadRequest()!.FieldViolations[0].Reason));
        }
        var bad = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Admin.RecordContactCardsIssuedAsync(new RecordContactCardsIssuedRequest { Parent = "villages/1", IssueDate = Day(Today) }));
        Assert.Equal("parent", bad.BadRequest()!.FieldViolations[0].Field);
    }
}
