using Boyi.Contracts.V1;
using Grpc.Core;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>Enterprises: registration with the first user, the credit code, county staff's decisions, sign-in only when approved.</summary>
public sealed class EnterpriseTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private EnterpriseService.EnterpriseServiceClient Enterprises => new(s.Channel);
    private string Town => s.County.Towns[0].Name;

    private async Task<long> CountAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private RegisterEnterpriseRequest Request(Enterprise? enterprise = null, string? user = null, string password = Api.EnterprisePassword) => new()
    {
        Parent = s.County.Name,
        Enterprise = enterprise ?? Api.NewEnterprise(Town),
        FirstUser = new EnterpriseUser { UserName = user ?? $"e-{Guid.NewGuid():N}"[..14], FullName = "黄经理", Password = password },
    };

    [Fact]
    public async Task ARegistration_IsPending_WithItsFirstUser_AndTheContactPhoneMasked()
    {
        var request = Request();
        var response = await Enterprises.RegisterEnterpriseAsync(request);
        var e = response.Enterprise;
        Assert.Equal(EnterpriseStatus.Pending, e.Status);
        Assert.Equal(request.Enterprise.CreditCode, e.CreditCode);
        Assert.Equal("139****0001", e.ContactPhone);
        Assert.Equal(request.FirstUser.UserName, response.UserName);
        Assert.StartsWith("enterprises/450923", e.Name);
        Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM users WHERE user_name = '{request.FirstUser.UserName}' AND enterprise_id = {e.Name.Split('/')[1]}"));
        var history = (await Enterprises.ListEnterpriseStatusChangesAsync(new ListEnterpriseStatusChangesRequest { Parent = e.Name })).StatusChanges;
        Assert.Equal(EnterpriseStatus.Pending, Assert.Single(history).ToStatus);
        Assert.StartsWith("client:", history[0].Actor);
    }

    [Fact]
    public async Task ABadRegistration_SaysEveryProblem_AndWritesNothing()
    {
        var before = (await CountAsync("SELECT count(*) FROM enterprises"), await CountAsync("SELECT count(*) FROM users"));
        var bad = Api.NewEnterprise(Town);
        bad.CreditCode = "91350100M000100Y4Z";
        bad.ContactPhone = "12345";
        bad.Industry = Industry.Unspecified;
        bad.Town = "towns/450924101";
        // The first user's problems come in the same answer as the enterprise's.
        var e = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Enterprises.RegisterEnterpriseAsync(Request(bad, user: "no spaces allowed", password: "abcdefgh")));
        var fields = e.BadRequest()!.FieldViolations.ToDictionary(v => v.Field, v => v.Reason);
        Assert.Equal("INVALID_FORMAT", fields["first_user.user_name"]);
        Assert.Equal("CREDIT_CODE_CHARACTER", fields["enterprise.credit_code"]);
        Assert.Equal("PHONE_FORMAT", fields["enterprise.contact_phone"]);
        Assert.Equal("REQUIRED", fields["enterprise.industry"]);
        Assert.Equal("NOT_IN_PARENT", fields["enterprise.town"]);

        var weak = await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Enterprises.RegisterEnterpriseAsync(Request(password: "abcdefgh")));
        Assert.Equal("first_user.password", Assert.Single(weak.BadRequest()!.FieldViolations).Field);
        Assert.Equal(before, (await CountAsync("SELECT count(*) FROM enterprises"), await CountAsync("SELECT count(*) FROM users")));
    }

    [Fact]
    public async Task ACreditCode_RegistersOnce_AndAUserNameToo()
    {
        var first = Request();
        await Enterprises.RegisterEnterpriseAsync(first);
        var again = Request(Api.NewEnterprise(Town));
        again.Enterprise.CreditCode = first.Enterprise.CreditCode.ToLowerInvariant();   // the same code, written otherwise
        var e = await Api.FailsAsync(StatusCode.AlreadyExists, "CREDIT_CODE_TAKEN", async () => await Enterprises.RegisterEnterpriseAsync(again));
        Assert.Equal("enterprise.credit_code", Assert.Single(e.BadRequest()!.FieldViolations).Field);
        await Api.FailsAsync(StatusCode.AlreadyExists, "USER_EXISTS", async () =>
            await Enterprises.RegisterEnterpriseAsync(Request(user: first.FirstUser.UserName)));
    }

    [Fact]
    public async Task ARetry_ReturnsTheFirstRegistration_AndThePasswordIsNotKeptWithTheRequestId()
    {
        var request = Request();
        request.RequestId = Guid.NewGuid().ToString();
        var first = await Enterprises.RegisterEnterpriseAsync(request);
        var retry = await Enterprises.RegisterEnterpriseAsync(request);
        Assert.Equal(first, retry);
        Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM enterprises WHERE credit_code = '{request.Enterprise.CreditCode}'"));
        // What is kept for the request id is the hash of the request without the password.
        var stored = request.Clone();
        stored.FirstUser.Password = "";
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Google.Protobuf.MessageExtensions.ToByteArray(stored)));
        Assert.Equal(1L, await CountAsync($"SELECT count(*) FROM idempotency_keys WHERE request_id = '{request.RequestId}' AND request_hash = '\\x{hash}'::bytea"));
    }

    [Fact]
    public async Task CountyStaffDecide_WithReasons_EtagsAndHistory_AndRefuseWhatTheLifecycleForbids()
    {
        var (pending, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, Town);
        await Api.FailsAsync(StatusCode.InvalidArgument, "INVALID_ARGUMENT", async () =>
            await Enterprises.SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = pending.Name, Reason = "" }));
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await Enterprises.SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = pending.Name, Reason = "未履约" }));

        var approved = (await Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = pending.Name, Etag = pending.Etag })).Enterprise;
        Assert.Equal(EnterpriseStatus.Approved, approved.Status);
        // A second approver acting on the pending view they saw: stale.
        await Api.FailsAsync(StatusCode.Aborted, "ETAG_MISMATCH", async () =>
            await Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = pending.Name, Etag = pending.Etag }));

        var suspended = (await Enterprises.SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = pending.Name, Reason = "未履行用工承诺", Etag = approved.Etag })).Enterprise;
        Assert.Equal((EnterpriseStatus.Suspended, "未履行用工承诺"), (suspended.Status, suspended.StatusReason));
        var lifted = (await Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = pending.Name })).Enterprise;
        Assert.Equal(EnterpriseStatus.Approved, lifted.Status);

        var (other, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, Town);
        await Enterprises.RejectEnterpriseAsync(new RejectEnterpriseRequest { Name = other.Name, Reason = "非本县企业" });
        await Api.FailsAsync(StatusCode.FailedPrecondition, "INVALID_STATUS_TRANSITION", async () =>
            await Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = other.Name }));

        var history = (await Enterprises.ListEnterpriseStatusChangesAsync(new ListEnterpriseStatusChangesRequest { Parent = pending.Name })).StatusChanges;
        Assert.Equal([EnterpriseStatus.Pending, EnterpriseStatus.Approved, EnterpriseStatus.Suspended, EnterpriseStatus.Approved], history.Select(h => h.ToStatus));
        Assert.Equal("未履行用工承诺", history[2].Reason);
        Assert.All(history, h => Assert.NotNull(h.ChangeTime));

        var pendingOnly = (await Enterprises.ListEnterprisesAsync(new ListEnterprisesRequest { Parent = s.County.Name, Filter = "status = REJECTED" })).Enterprises;
        Assert.Contains(pendingOnly, e => e.Name == other.Name);
        Assert.All(pendingOnly, e => Assert.Equal(EnterpriseStatus.Rejected, e.Status));
    }

    [Fact]
    public async Task EnterpriseUsers_SignIn_OnlyWhileTheirEnterpriseIsApproved_AndSeeOnlyIt()
    {
        var (enterprise, user) = await Api.RegisterEnterpriseAsync(s, s.County.Name, Town);
        var (otherEnterprise, _) = await Api.RegisterEnterpriseAsync(s, s.County.Name, Town, approve: true);
        var portal = await PortalClient.RegisterAsync(s);
        using (var browser = new Browser(s.HttpAddress))
        {
            var refused = await People.PasswordAsync(browser, portal, user, Api.EnterprisePassword);
            Assert.Equal("/account/login", refused.Path);
            Assert.True(refused.Errors.Any(e => e.Contains("not approved")), string.Join("|", refused.Errors));
        }

        await Enterprises.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = enterprise.Name });
        TokenSet tokens;
        using (var browser = new Browser(s.HttpAddress))
        {
            var (verifier, challenge) = PortalClient.Pkce();
            var done = await People.PasswordAsync(browser, portal, user, Api.EnterprisePassword, challenge);
            tokens = await portal.RedeemAsync(PortalClient.CodeFrom(done), verifier);
        }
        using (var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken))
        {
            var mine = new EnterpriseService.EnterpriseServiceClient(channel);
            Assert.Equal(enterprise.Name, (await mine.GetEnterpriseAsync(new GetEnterpriseRequest { Name = enterprise.Name })).Enterprise.Name);
            await Api.FailsAsync(StatusCode.NotFound, "NOT_FOUND", async () => await mine.GetEnterpriseAsync(new GetEnterpriseRequest { Name = otherEnterprise.Name }));
            Assert.Equal([enterprise.Name], (await mine.ListEnterprisesAsync(new ListEnterprisesRequest { Parent = s.County.Name })).Enterprises.Select(e => e.Name));
            await Api.FailsAsync(StatusCode.PermissionDenied, "ROLE_NOT_ALLOWED", async () =>
                await mine.ApproveEnterpriseAsync(new ApproveEnterpriseRequest { Name = otherEnterprise.Name }));
        }

        // Suspended: the session cannot be refreshed.
        await Enterprises.SuspendEnterpriseAsync(new SuspendEnterpriseRequest { Name = enterprise.Name, Reason = "暂停核查" });
        var refresh = await portal.RefreshAsync(tokens.RefreshToken!);
        Assert.Equal("invalid_grant", refresh.Error);
    }
}
