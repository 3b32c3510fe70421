using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>County 450923 with three approved enterprises (E1 and E2 stationed in town 1, E3 in town 2), each with a
/// signed-in user, plus a signed-in county admin and the officer of town 1.</summary>
public sealed class LinkageFixture : CountyFixture
{
    public Enterprise E1 { get; private set; } = null!;
    public Enterprise E2 { get; private set; } = null!;
    public Enterprise E3 { get; private set; } = null!;
    public Dictionary<string, GrpcChannel> As { get; } = [];

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var portal = await PortalClient.RegisterAsync(this);
        foreach (var (key, town) in new[] { ("E1", County.Towns[0].Name), ("E2", County.Towns[0].Name), ("E3", County.Towns[1].Name) })
        {
            var (enterprise, user) = await Api.RegisterEnterpriseAsync(this, County.Name, town, approve: true);
            if (key == "E1") E1 = enterprise; else if (key == "E2") E2 = enterprise; else E3 = enterprise;
            using var browser = new Browser(HttpAddress);
            var (verifier, challenge) = PortalClient.Pkce();
            var done = await People.PasswordAsync(browser, portal, user, Api.EnterprisePassword, challenge);
            As[key] = TestAuth.Channel(GrpcAddress, (await portal.RedeemAsync(PortalClient.CodeFrom(done), verifier)).AccessToken);
        }
        foreach (var (key, scope) in new[] { ("admin", new UserScope(Roles.CountyAdmin, 450923)), ("town1", new UserScope(Roles.TownOfficer, 450923, TownId: long.Parse(County.Towns[0].Name.Split('/')[1]))) })
        {
            var user = $"l-{key}-{Guid.NewGuid():N}"[..16];
            var fullName = key == "admin" ? "黄春梅" : "覃志刚";
            var (tokens, _) = await People.FirstSignInAsync(this, portal, user, await People.CreateAsync(this, user, scope, fullName), "Linkage-Pass-2026");
            As[key] = TestAuth.Channel(GrpcAddress, tokens.AccessToken);
        }
        As["client"] = Channel;
    }

    public LinkageService.LinkageServiceClient Linkages(string who) => new(As[who]);
}

public sealed class LinkageTests(LinkageFixture s) : IClassFixture<LinkageFixture>
{
    private string V(int town, int village = 0) => s.County.Towns[town].Villages[village];

    private static Linkage Draft(Enterprise lead, LinkageMode mode, params string[] targets)
    {
        var l = new Linkage
        {
            LeadEnterprise = lead.Name,
            Mode = mode,
            Model = LinkageModel.CompanyCooperativeBaseFarmer,
            Commitments = new LinkageCommitments { FundsPledgedFen = 50_000_000, JobsPledged = 20, ProducePurchase = "收购百香果", TrainingSessions = 4 },
            StartDate = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 },
            EndDate = new Google.Type.Date { Year = 2028, Month = 11, Day = 30 },
        };
        l.Targets.AddRange(targets.Select(t => new LinkageTarget { Target = t }));
        return l;
    }

    private async Task<Linkage> ProposeAsync(string who, Linkage draft) =>
        (await s.Linkages(who).ProposeLinkageAsync(new ProposeLinkageRequest { Linkage = draft })).Linkage;

    private static int _village = 400;

    /// <summary>A village of its own for each test: one-helps-one holds are exclusive.</summary>
    private async Task<string> FreshVillageAsync(int town)
    {
        var townId = s.County.Towns[town].Name.Split('/')[1];
        return (await s.Registry.CreateVillageAsync(new CreateVillageRequest
        {
            Parent = s.County.Towns[town].Name,
            VillageId = $"{townId}{Interlocked.Increment(ref _village)}",
            Village = new Village { DisplayName = $"联村{Guid.NewGuid():N}"[..10], Poor = true, ExitTargetYear = 2027 },
        })).Village.Name;
    }

    [Fact]
    public async Task OneHelpsOne_GoesThroughItsLife_WithReasonsEtagsAndHistory()
    {
        var village = await FreshVillageAsync(0);
        var proposed = await ProposeAsync("E1", Draft(s.E1, LinkageMode.OneHelpsOne, village));
        Assert.Equal(LinkageStatus.Proposed, proposed.Status);
        Assert.True(Assert.Single(proposed.Targets).InEnterpriseTown);
        // Staff deciding see the nearest open candidates: poor villages of the enterprise's town first, never a held one.
        var seen = (await s.Linkages("town1").GetLinkageAsync(new GetLinkageRequest { Name = proposed.Name })).Linkage.NearbyCandidates;
        Assert.DoesNotContain(village, seen);
        Assert.InRange(seen.Count, 1, 5);
        Assert.StartsWith(s.County.Towns[0].Name.Replace("towns/", "villages/"), seen[0]);
        var town2 = s.County.Towns[1].Name.Replace("towns/", "villages/");
        Assert.Equal(seen.OrderBy(v => v.StartsWith(town2, StringComparison.Ordinal)).ThenBy(v => v), seen);   // own town first
        foreach (var candidate in seen)
            Assert.True((await s.Registry.GetVillageAsync(new GetVillageRequest { Name = candidate })).Village.Poor, candidate);
        Assert.StartsWith("user:", proposed.ProposedBy);

        // Refused moves: nothing changes.
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await s.Linkages("E1").CompleteLinkageAsync(new CompleteLinkageRequest { Name = proposed.Name }));
        await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
            await s.Linkages("E1").ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name }));

        // The town's officer decides (the village is in their town); a second decision on the stale view is ABORTED.
        var approved = (await s.Linkages("town1").ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name, Etag = proposed.Etag })).Linkage;
        Assert.Equal(LinkageStatus.Approved, approved.Status);
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await s.Linkages("admin").RejectLinkageAsync(new RejectLinkageRequest { Name = proposed.Name, Reason = "重复", Etag = proposed.Etag }));

        var active = (await s.Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = proposed.Name })).Linkage;
        Assert.Equal(LinkageStatus.Active, active.Status);
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await s.Linkages("E1").TerminateLinkageAsync(new TerminateLinkageRequest { Name = proposed.Name, Reason = " " }));
        var completed = (await s.Linkages("E1").CompleteLinkageAsync(new CompleteLinkageRequest { Name = proposed.Name })).Linkage;
        Assert.Equal(LinkageStatus.Completed, completed.Status);

        var history = (await s.Linkages("admin").ListLinkageStatusChangesAsync(new ListLinkageStatusChangesRequest { Parent = proposed.Name })).StatusChanges;
        Assert.Equal([LinkageStatus.Proposed, LinkageStatus.Approved, LinkageStatus.Active, LinkageStatus.Completed], history.Select(h => h.ToStatus));
        Assert.All(history, h => Assert.StartsWith("user:", h.Actor));
        Assert.NotEqual(history[0].Actor, history[1].Actor);
    }

    [Fact]
    public async Task Histories_SayWhoActed_ByNameRoleAndArea_NothingMore_AndKeepTheResourceName()
    {
        var village = await FreshVillageAsync(0);
        var proposed = await ProposeAsync("E1", Draft(s.E1, LinkageMode.OneHelpsOne, village));
        await s.Linkages("town1").ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name });
        await s.Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = proposed.Name });
        // The enterprise reading its own linkage's history sees the official who decided by name, role and town.
        var history = (await s.Linkages("E1").ListLinkageStatusChangesAsync(new ListLinkageStatusChangesRequest { Parent = proposed.Name })).StatusChanges;
        var enterpriseUser = new ActorDisplay { DisplayName = "庞小燕", Role = ActorRole.EnterpriseUser, Area = s.E1.DisplayName };
        Assert.Equal([enterpriseUser, new ActorDisplay { DisplayName = "覃志刚", Role = ActorRole.TownOfficer, Area = "第1镇" }, enterpriseUser],
            history.Select(h => h.ActorDisplay));
        Assert.All(history, h => Assert.StartsWith("user:", h.Actor));

        // An enterprise registered by a machine client and approved by county staff.
        var (fresh, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name);
        await new EnterpriseService.EnterpriseServiceClient(s.As["admin"]).ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = fresh.Name });
        var changes = (await new EnterpriseService.EnterpriseServiceClient(s.As["admin"]).ListEnterpriseStatusChangesAsync(
            new ListEnterpriseStatusChangesRequest { Parent = fresh.Name })).StatusChanges;
        Assert.Equal(2, changes.Count);
        Assert.StartsWith("client:", changes[0].Actor);
        Assert.Equal(ActorRole.Client, changes[0].ActorDisplay.Role);
        Assert.NotEqual("", changes[0].ActorDisplay.DisplayName);
        Assert.Equal(new ActorDisplay { DisplayName = "黄春梅", Role = ActorRole.CountyAdmin, Area = "博白县" }, changes[1].ActorDisplay);

        // Nothing of the accounts beyond name, role and area: no user name, phone or e-mail.
        await using var db = new NpgsqlConnection(s.Database.ConnectionString);
        await db.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT user_name, coalesce(phone_number, ''), coalesce(email, '') FROM users WHERE full_name IN ('覃志刚', '庞小燕')", db);
        await using var reader = await cmd.ExecuteReaderAsync();
        var shown = string.Join("|", history.Concat(changes.Select(c => new LinkageStatusChange { ActorDisplay = c.ActorDisplay })).Select(h => h.ActorDisplay.ToString()));
        while (await reader.ReadAsync())
            for (var i = 0; i < 3; i++)
                if (reader.GetString(i) is { Length: > 0 } secret)
                    Assert.DoesNotContain(secret, shown);
    }

    [Fact]
    public async Task WhoProposed_DoesNotDecide_AndTownStaffDecideOnlyForTheirTown()
    {
        // County staff proposing for an enterprise cannot approve their own proposal; another approver can.
        var proposed = await ProposeAsync("admin", Draft(s.E2, LinkageMode.OneHelpsMany, await FreshVillageAsync(0), await FreshVillageAsync(1)));
        await Api.FailsAsync(StatusCode.PermissionDenied, "PROPOSER_CANNOT_DECIDE", async () =>
            await s.Linkages("admin").ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name }));
        // Town 1's officer sees it (a target is theirs) but may not decide: another target is in town 2.
        Assert.Equal(proposed.Name, (await s.Linkages("town1").GetLinkageAsync(new GetLinkageRequest { Name = proposed.Name })).Linkage.Name);
        await Api.FailsAsync(StatusCode.PermissionDenied, "TARGETS_OUTSIDE_YOUR_TOWN", async () =>
            await s.Linkages("town1").ApproveLinkageAsync(new ApproveLinkageRequest { Name = proposed.Name }));
        var rejected = (await s.Linkages("client").RejectLinkageAsync(new RejectLinkageRequest { Name = proposed.Name, Reason = "承诺资金不足" })).Linkage;
        Assert.Equal((LinkageStatus.Rejected, "承诺资金不足"), (rejected.Status, rejected.StatusReason));
        Assert.False(rejected.Targets[1].InEnterpriseTown);

        // A linkage only in town 2 is not town 1's to see at all.
        var elsewhere = await ProposeAsync("E3", Draft(s.E3, LinkageMode.OneHelpsOne, await FreshVillageAsync(1)));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Linkages("town1").GetLinkageAsync(new GetLinkageRequest { Name = elsewhere.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Linkages("town1").RejectLinkageAsync(new RejectLinkageRequest { Name = elsewhere.Name, Reason = "x" }));
    }

    [Fact]
    public async Task AVillageInOneHelpsOne_IsClosedToAnotherOneHelpsOne_OpenToManyHelpsOne_AndFreedWhenItEnds()
    {
        var village = await FreshVillageAsync(0);
        var first = await ProposeAsync("E1", Draft(s.E1, LinkageMode.OneHelpsOne, village));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "TARGET_IN_ONE_HELPS_ONE", async () =>
            await ProposeAsync("E2", Draft(s.E2, LinkageMode.OneHelpsOne, village)));

        var many = Draft(s.E2, LinkageMode.ManyHelpsOne, village);
        many.InvitedEnterprises.Add(s.E3.Name);
        var joint = await ProposeAsync("E2", many);
        Assert.Equal((s.E3.Name, InvitationState.Invited), (joint.Participants[0].Enterprise, joint.Participants[0].State));

        await s.Linkages("admin").RejectLinkageAsync(new RejectLinkageRequest { Name = first.Name, Reason = "改由多企帮扶" });
        var second = await ProposeAsync("E2", Draft(s.E2, LinkageMode.OneHelpsOne, village));
        Assert.Equal(LinkageStatus.Proposed, second.Status);
    }

    [Fact]
    public async Task ManyHelpsOne_InvitedEnterprisesAnswer_AndItStartsOnlyWithAPartner()
    {
        var draft = Draft(s.E1, LinkageMode.ManyHelpsOne, await FreshVillageAsync(1));
        draft.InvitedEnterprises.Add(s.E2.Name);
        var linkage = await ProposeAsync("E1", draft);
        await s.Linkages("admin").ApproveLinkageAsync(new ApproveLinkageRequest { Name = linkage.Name });
        await Api.FailsAsync(StatusCode.FailedPrecondition, "NO_PARTNER_ACCEPTED", async () =>
            await s.Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = linkage.Name }));

        // E3 was not invited: it neither sees the linkage nor answers for E2.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Linkages("E3").GetLinkageAsync(new GetLinkageRequest { Name = linkage.Name }));
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Linkages("E3").AnswerLinkageInvitationAsync(new AnswerLinkageInvitationRequest { Name = linkage.Name, Enterprise = s.E2.Name, Accept = true }));

        var answered = (await s.Linkages("E2").AnswerLinkageInvitationAsync(new AnswerLinkageInvitationRequest { Name = linkage.Name, Enterprise = s.E2.Name, Accept = true })).Linkage;
        Assert.Equal(InvitationState.Accepted, Assert.Single(answered.Participants).State);
        await Api.FailsAsync(StatusCode.FailedPrecondition, "ALREADY_ANSWERED", async () =>
            await s.Linkages("E2").AnswerLinkageInvitationAsync(new AnswerLinkageInvitationRequest { Name = linkage.Name, Enterprise = s.E2.Name, Accept = false }));
        // The invited enterprise sees it, but only the lead starts it.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Linkages("E2").ActivateLinkageAsync(new ActivateLinkageRequest { Name = linkage.Name }));
        Assert.Equal(LinkageStatus.Active, (await s.Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = linkage.Name })).Linkage.Status);
    }

    [Fact]
    public async Task AnEnterprise_NeverReachesAnothersLinkages()
    {
        var mine = await ProposeAsync("E3", Draft(s.E3, LinkageMode.OneHelpsOne, await FreshVillageAsync(1)));
        var theirs = await ProposeAsync("E1", Draft(s.E1, LinkageMode.OneHelpsOne, await FreshVillageAsync(0)));
        var listed = (await s.Linkages("E3").ListLinkagesAsync(new ListLinkagesRequest { Parent = s.County.Name, PageSize = 500 })).Linkages;
        Assert.Contains(listed, l => l.Name == mine.Name);
        Assert.DoesNotContain(listed, l => l.Name == theirs.Name);
        Assert.All(listed, l => Assert.True(l.LeadEnterprise == s.E3.Name || l.Participants.Any(p => p.Enterprise == s.E3.Name)));
        Assert.Empty((await s.Linkages("E3").ListLinkagesAsync(new ListLinkagesRequest { Parent = s.E1.Name })).Linkages);
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () =>
            await s.Linkages("E3").TerminateLinkageAsync(new TerminateLinkageRequest { Name = theirs.Name, Reason = "x" }));
        // Nor proposes in another's name.
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await ProposeAsync("E3", Draft(s.E1, LinkageMode.OneHelpsOne, await FreshVillageAsync(0))));
    }

    [Fact]
    public async Task ABadProposal_NamesEveryProblem()
    {
        var bad = Draft(s.E1, LinkageMode.OneHelpsOne, V(0), V(1));
        bad.Commitments.FundsPledgedFen = 0;
        bad.EndDate = new Google.Type.Date { Year = 2025, Month = 1, Day = 1 };
        bad.InvitedEnterprises.Add(s.E2.Name);
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await ProposeAsync("E1", bad));
        var fields = e.BadRequest()!.FieldViolations.Select(v => v.Field).ToHashSet();
        Assert.Superset(new HashSet<string> { "linkage.targets", "linkage.invited_enterprises", "linkage.end_date" }, fields);
    }

    /// <summary>Reads a watch until <paramref name="until"/> holds, or fails after a generous limit.</summary>
    private async Task<List<WatchChangesResponse>> WatchAsync(string resumeToken, Func<List<WatchChangesResponse>, bool> until, string? parent = null)
    {
        using var cts = new CancellationTokenSource(Boyi.Testing.Poll.DefaultLimit);
        using var call = s.Linkages("client").WatchChanges(new WatchChangesRequest { Parent = parent ?? s.County.Name, ResumeToken = resumeToken }, cancellationToken: cts.Token);
        var seen = new List<WatchChangesResponse>();
        while (!until(seen) && await call.ResponseStream.MoveNext(cts.Token))
            seen.Add(call.ResponseStream.Current);
        return seen;
    }

    [Fact]
    public async Task WatchChanges_ResumesAfterADisconnect_WithNothingMissedOrRepeated()
    {
        var first = await ProposeAsync("E1", Draft(s.E1, LinkageMode.OneHelpsOne, await FreshVillageAsync(0)));
        await s.Linkages("admin").ApproveLinkageAsync(new ApproveLinkageRequest { Name = first.Name });
        var before = await WatchAsync("", seen => seen.Count(c => c.Object == first.Name) == 2);
        Assert.Equal(["linkage.proposed", "linkage.approved"], before.Where(c => c.Object == first.Name).Select(c => c.Change));
        var token = before[^1].ResumeToken;

        // Disconnected: changes go on.
        await s.Linkages("E1").ActivateLinkageAsync(new ActivateLinkageRequest { Name = first.Name });
        var second = await ProposeAsync("E2", Draft(s.E2, LinkageMode.OneHelpsMany, await FreshVillageAsync(0), await FreshVillageAsync(1)));
        await s.Linkages("E1").CompleteLinkageAsync(new CompleteLinkageRequest { Name = first.Name });

        var after = await WatchAsync(token, seen => seen.Any(c => c.Object == first.Name && c.Change == "linkage.completed"));
        Assert.DoesNotContain(after, c => c.Object == first.Name && c.Change is "linkage.proposed" or "linkage.approved");
        Assert.Equal(["linkage.active", "linkage.completed"], after.Where(c => c.Object == first.Name).Select(c => c.Change));
        Assert.Contains(after, c => c.Object == second.Name && c.Change == "linkage.proposed");
        Assert.All(after, c => Assert.True(long.Parse(c.ResumeToken) > long.Parse(token)));
        Assert.Equal(after.Select(c => long.Parse(c.ResumeToken)).Order(), after.Select(c => long.Parse(c.ResumeToken)));

        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await WatchAsync("abc", seen => seen.Count > 0));
    }

    [Fact]
    public async Task WatchChanges_FromNow_SendsOnlyLaterChanges_AndStartsWithItsPositionInTheHeaders()
    {
        var earlier = await ProposeAsync("E1", Draft(s.E1, LinkageMode.OneHelpsOne, await FreshVillageAsync(0)));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = s.Linkages("client").WatchChanges(new WatchChangesRequest { Parent = s.County.Name, StartFromNow = true }, cancellationToken: cts.Token);
        // Once the headers are in, the start is fixed: everything from here on is sent.
        var start = long.Parse((await call.ResponseHeadersAsync).GetValue(Boyi.Server.Services.LinkageGrpcService.ResumeTokenHeader)!);
        var earlierToken = long.Parse((await WatchAsync("", seen => seen.Any(c => c.Object == earlier.Name)))[^1].ResumeToken);
        Assert.True(start >= earlierToken);

        var later = await ProposeAsync("E2", Draft(s.E2, LinkageMode.OneHelpsOne, await FreshVillageAsync(1)));
        var seen = new List<WatchChangesResponse>();
        while (!seen.Any(c => c.Object == later.Name) && await call.ResponseStream.MoveNext(cts.Token))
            seen.Add(call.ResponseStream.Current);
        Assert.Contains(seen, c => c.Object == later.Name && c.Change == "linkage.proposed");
        Assert.DoesNotContain(seen, c => c.Object == earlier.Name);
        Assert.All(seen, c => Assert.True(long.Parse(c.ResumeToken) > start));

        // The header's token resumes like any other.
        var resumed = await WatchAsync(start.ToString(), got => got.Any(c => c.Object == later.Name));
        Assert.DoesNotContain(resumed, c => c.Object == earlier.Name);
    }

    [Fact]
    public async Task WatchChanges_OfACountyThatDoesNotExist_IsNotFound() =>
        await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await WatchAsync("", _ => false, parent: "counties/450999"));

    [Fact]
    public async Task WatchChanges_WithATokenBeyondTheNewestChange_IsInvalid_OnTheToken()
    {
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () => await WatchAsync("900000000000", _ => false));
        var violation = Assert.Single(e.BadRequest()!.FieldViolations);
        Assert.Equal(("resume_token", "OUT_OF_RANGE"), (violation.Field, violation.Reason));

        e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
        {
            using var call = s.Linkages("client").WatchChanges(new WatchChangesRequest { Parent = s.County.Name, ResumeToken = "1", StartFromNow = true });
            await call.ResponseStream.MoveNext();
        });
        Assert.Equal("start_from_now", Assert.Single(e.BadRequest()!.FieldViolations).Field);
    }

    /// <summary>The comment on WatchChangesResponse.change lists exactly the kinds the server writes.</summary>
    [Fact]
    public void WatchChanges_EveryChangeKind_IsListedInTheProto()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "Boyi.sln")))
            dir = dir.Parent ?? throw new InvalidOperationException("no Boyi.sln above the test binaries");
        var proto = File.ReadAllText(Path.Combine(dir.FullName, "protos", "boyi", "v1", "linkages.proto"));
        var message = proto[proto.IndexOf("message WatchChangesResponse", StringComparison.Ordinal)..];
        var comment = message[..message.IndexOf("string change = 2;", StringComparison.Ordinal)];
        var listed = System.Text.RegularExpressions.Regex.Matches(comment, "`([a-z_]+\\.[a-z_]+)`").Select(m => m.Groups[1].Value).Order();
        Assert.Equal(Boyi.Infrastructure.Enterprises.ChangeLog.Kinds.Order(), listed);
    }

    [Fact]
    public async Task WatchChanges_SeesEveryConcurrentChange_OnceAndInOrder()
    {
        var names = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            (await ProposeAsync("client", Draft(s.E3, LinkageMode.OneHelpsMany, V(1), s.County.Towns[1].Villages[1]))).Name));
        var seen = await WatchAsync("", got => names.All(n => got.Any(c => c.Object == n)));
        Assert.All(names, n => Assert.Single(seen, c => c.Object == n));
        var tokens = seen.Select(c => long.Parse(c.ResumeToken)).ToList();
        Assert.Equal(tokens.Order(), tokens);
        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }

    [Fact]
    public async Task FiftyEnterprisesProposingForOneVillageAtOnce_ExactlyOneGetsIt()
    {
        var village = await FreshVillageAsync(0);
        var enterprises = new List<Enterprise>();
        for (var i = 0; i < 50; i++)
            enterprises.Add((await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[0].Name, approve: true)).Enterprise);
        var outcomes = await Task.WhenAll(enterprises.Select(async e =>
        {
            try
            {
                await ProposeAsync("client", Draft(e, LinkageMode.OneHelpsOne, village));
                return "ok";
            }
            catch (RpcException x)
            {
                return x.ErrorInfo().Reason;
            }
        }));
        Assert.Equal(1, outcomes.Count(o => o == "ok"));
        Assert.Equal(49, outcomes.Count(o => o == "TARGET_IN_ONE_HELPS_ONE"));
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM linkage_targets WHERE village_id = $1", conn) { Parameters = { new() { Value = long.Parse(village.Split('/')[1]) } } };
        Assert.Equal(1L, (long)(await cmd.ExecuteScalarAsync())!);
    }
}
