using System.Text;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Auth;
using Boyi.Testing;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Boyi.Server.Tests;

/// <summary>
/// A county with an enterprise registered (so the change feed has a first change) and enough households that an
/// export does not fit into the connection's buffers: a stream its client stops reading stays open. Streams re-check
/// their caller's authority every 0.2 s here (10 s by default).
/// </summary>
public sealed class StreamFixture : CountyFixture
{
    public const int HouseholdCount = 4000;

    protected override string[] ExtraArguments => ["--Boyi:Auth:StreamCheckInterval=00:00:00.2"];

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await Api.RegisterEnterpriseAsync(this, County.Name, County.Towns[0].Name);
        var village = County.Towns[0].Villages[0].Split('/')[1];
        var file = new StringBuilder("户编号,行政村代码,姓名,与户主关系,身份证号码,健康状况,劳动能力,致贫原因,人均纯收入（元）,是否有劳动力,是否愿意发展产业\n");
        for (var i = 0; i < HouseholdCount; i++)
            file.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{village},户主{i},户主,{Api.NewIdCardNumber()},健康,普通劳动力,因病,1000,是,否\n");
        using var call = new HouseholdService.HouseholdServiceClient(Channel).ImportHouseholds();
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Header = new ImportHeader { Parent = County.Name, Format = ImportFormat.Csv } });
        await call.RequestStream.WriteAsync(new ImportHouseholdsRequest { Chunk = ByteString.CopyFrom(Encoding.UTF8.GetBytes(file.ToString())) });
        await call.RequestStream.CompleteAsync();
        Assert.Equal(HouseholdCount, (await call).HouseholdsImported);
    }
}

/// <summary>
/// A stream opened while its caller was authorised ends with UNAUTHENTICATED once that authority goes: the client
/// revoked, the person locked out (and, by the same check, an enterprise user's enterprise suspended). Every
/// server-streaming RPC of the Boyi services is covered, found from the service descriptors.
/// </summary>
public sealed class StreamAuthorityTests(StreamFixture s) : IClassFixture<StreamFixture>
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor[] DataServices = [.. ContractServices.All];

    public static IEnumerable<MethodDescriptor> ServerStreamingRpcs() =>
        DataServices.SelectMany(d => d.Methods).Where(m => m.IsServerStreaming);

    private static RpcPolicy PolicyOf(MethodDescriptor m) => RpcPolicies.For($"/{m.Service.FullName}/{m.Name}")!;

    /// <summary>A request that opens a long stream; a new streaming RPC fails the tests until it has one here.</summary>
    private IMessage RequestFor(MethodDescriptor m) => m.FullName switch
    {
        "boyi.v1.HouseholdService.ExportHouseholds" => new ExportHouseholdsRequest { Parent = s.County.Name },
        "boyi.v1.LinkageService.WatchChanges" => new WatchChangesRequest { Parent = s.County.Name },
        _ => throw new InvalidOperationException($"{m.FullName} streams: give it a request here so that its ending is tested."),
    };

    [Fact]
    public async Task EveryStream_EndsUnauthenticated_WhenItsClientIsRevoked()
    {
        var rpcs = ServerStreamingRpcs().ToList();
        Assert.NotEmpty(rpcs);
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, Scopes.All);
        using var channel = TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
        var streams = await OpenAsync(channel, rpcs);

        await using (var scope = s.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RevokeAsync(id, CancellationToken.None));

        foreach (var (rpc, call) in streams)
            await EndsAsync(rpc, call, $"client:{id}", StreamWatch.ClientRevoked);
    }

    [Fact]
    public async Task EveryStreamOfACountyAdmin_EndsUnauthenticated_WhenTheAccountIsLockedOut()
    {
        var rpcs = ServerStreamingRpcs().Where(m => PolicyOf(m).Roles.Contains(Roles.CountyAdmin)).ToList();
        Assert.NotEmpty(rpcs);
        const string user = "stream-admin";
        var portal = await PortalClient.RegisterAsync(s);
        var (tokens, _) = await People.FirstSignInAsync(s, portal, user,
            await People.CreateAsync(s, user, new UserScope(Roles.CountyAdmin, 450923)), "Stream-Pass-2026");
        using var channel = TestAuth.Channel(s.GrpcAddress, tokens.AccessToken);
        var streams = await OpenAsync(channel, rpcs);

        // Locked the way it happens: wrong passwords on the sign-in page, up to the limit.
        using (var browser = new Browser(s.HttpAddress))
        {
            for (var i = 0; i < 5; i++)
                await People.PasswordAsync(browser, portal, user, "Wrong-Pass-2026");
        }
        string id;
        await using (var scope = s.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<BoyiUser>>();
            var account = (await users.FindByNameAsync(user))!;
            Assert.True(await users.IsLockedOutAsync(account));
            id = account.Id;
        }

        foreach (var (rpc, call) in streams)
            await EndsAsync(rpc, call, $"user:{id}", StreamWatch.AccountLocked);
    }

    [Fact]
    public void NoStreamingRpc_IsOpenToEnterpriseUsers()
    {
        // Were one opened to them, its stream must be shown to end when their enterprise is suspended, as the
        // client's and the county admin's are above; the check itself is tested below.
        var streaming = DataServices.SelectMany(d => d.Methods).Where(m => m.IsServerStreaming || m.IsClientStreaming);
        Assert.DoesNotContain(streaming, m => PolicyOf(m).Roles.Contains(Roles.EnterpriseUser));
    }

    [Fact]
    public async Task AnEnterpriseUser_LosesTheirAuthority_WhenTheirEnterpriseIsSuspended()
    {
        var (enterprise, userName) = await Api.RegisterEnterpriseAsync(s, s.County.Name, s.County.Towns[1].Name, approve: true);
        var enterpriseId = long.Parse(enterprise.Name.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
        string userId;
        await using (var scope = s.Services.CreateAsyncScope())
            userId = (await scope.ServiceProvider.GetRequiredService<UserManager<BoyiUser>>().FindByNameAsync(userName))!.Id;
        var caller = new Caller(userId, CallerKind.Person, new HashSet<string>(), new HashSet<string> { Roles.EnterpriseUser },
            CountyId: 450923, EnterpriseId: enterpriseId);
        var authority = s.Services.GetRequiredService<CallerAuthority>();
        Assert.Null(await authority.LostAsync(caller, CancellationToken.None));

        await new EnterpriseService.EnterpriseServiceClient(s.Channel).SuspendEnterpriseAsync(
            new SuspendEnterpriseRequest { Name = enterprise.Name, Reason = "停业整顿" });
        Assert.Equal(StreamWatch.EnterpriseSuspended, await authority.LostAsync(caller, CancellationToken.None));
    }

    /// <summary>Opens each stream and reads its first message: each is open and was authorised.</summary>
    private async Task<List<(MethodDescriptor Rpc, AsyncServerStreamingCall<IMessage> Call)>> OpenAsync(GrpcChannel channel,
        IEnumerable<MethodDescriptor> rpcs)
    {
        var streams = new List<(MethodDescriptor, AsyncServerStreamingCall<IMessage>)>();
        foreach (var rpc in rpcs)
        {
            var method = new Method<IMessage, IMessage>(MethodType.ServerStreaming, rpc.Service.FullName, rpc.Name,
                Marshaller(rpc.InputType), Marshaller(rpc.OutputType));
            var call = channel.CreateCallInvoker().AsyncServerStreamingCall(method, null, new CallOptions(), RequestFor(rpc));
            Assert.True(await call.ResponseStream.MoveNext(), $"{rpc.FullName} sent nothing");
            streams.Add((rpc, call));
        }
        return streams;
    }

    private static Marshaller<IMessage> Marshaller(MessageDescriptor type) =>
        Marshallers.Create<IMessage>(m => m.ToByteArray(), b => type.Parser.ParseFrom(b));

    /// <summary>
    /// The stream ends with UNAUTHENTICATED and the reason, and the ending is audited as a refusal. The client reads on
    /// only once the server has logged that it ends the call: reading earlier could let an export simply finish.
    /// </summary>
    private async Task EndsAsync(MethodDescriptor rpc, AsyncServerStreamingCall<IMessage> call, string actor, string reason)
    {
        var method = $"/{rpc.Service.FullName}/{rpc.Name}";
        await Poll.UntilAsync(() => Task.FromResult(s.LogLines.Any(l => l.Contains($"Ending {method} of {actor}: {reason}", StringComparison.Ordinal))),
            $"the server to end {method} ({reason})");
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext())
            {
            }
        });
        Assert.True(e.StatusCode == StatusCode.Unauthenticated, $"{method}: {e.StatusCode} {e.Status.Detail}");
        Assert.Equal(reason, e.ErrorInfo().Reason);
        // Audited before the status was sent.
        Assert.Single(await AuditRows.WhereAsync(s, "actor = $1 AND action = $2 AND outcome = $3", actor, method.TrimStart('/'), $"UNAUTHENTICATED:{reason}"));
        call.Dispose();
    }
}
