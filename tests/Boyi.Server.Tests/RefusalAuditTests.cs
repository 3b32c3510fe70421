using System.Net;
using System.Net.Http.Headers;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Boyi.Server.Grpc;
using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.Core;

namespace Boyi.Server.Tests;

/// <summary>
/// Refusals from outside, over every RPC of every Boyi service found in the contract (a new RPC is covered without
/// anyone adding it): a request whose bytes are not a message of the method's type answers INVALID_ARGUMENT with
/// ErrorInfo MALFORMED_MESSAGE (not UNKNOWN) and is audited; every refused mutating call is audited, whether it was
/// refused for its input or for its rights, whatever its scope is called. Calls go over a raw HTTP/2 connection, as a
/// client in another language sends them.
/// </summary>
public sealed class RefusalAuditTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    /// <summary>Field 1 as a varint whose bytes stop half-way: no message of any type parses from it.</summary>
    private static readonly byte[] Truncated = [0x08, 0xFF];

    /// <summary>Field 1 with the wire type 7, which protobuf does not have.</summary>
    private static readonly byte[] BadWireType = [0x0F, 0x00];

    /// <summary>The request's first string field holding bytes that are not UTF-8 (a lone continuation, an overlong form), or null without one.</summary>
    private static byte[]? InvalidUtf8(MethodDescriptor method)
    {
        var field = method.InputType.Fields.InFieldNumberOrder().FirstOrDefault(f => f.FieldType == FieldType.String);
        if (field is null)
            return null;
        byte[] bad = [0x61, 0xC3, 0x28, 0xC0, 0xAF];
        return [(byte)(field.FieldNumber << 3 | 2), (byte)bad.Length, .. bad];
    }

    public static IEnumerable<MethodDescriptor> BoyiMethods() => ContractServices.Boyi.SelectMany(svc => svc.Methods);

    [Fact]
    public async Task AMalformedMessage_IsInvalidArgument_WithMalformedMessage_AndAudited_ForEveryRpc()
    {
        var (client, token) = await ClientAsync(Scopes.All);
        var methods = BoyiMethods().ToList();
        Assert.True(methods.Count > 50, $"only {methods.Count} methods found");
        foreach (var method in methods)
        {
            foreach (var body in new[] { Truncated, BadWireType, InvalidUtf8(method) }.OfType<byte[]>())
            {
                var (status, details) = await CallAsync(method, token, body);
                Assert.True(status == StatusCode.InvalidArgument, $"{method.FullName}: {status}");
                Assert.Equal("MALFORMED_MESSAGE", details?.Details.Where(d => d.Is(ErrorInfo.Descriptor)).Select(d => d.Unpack<ErrorInfo>()).Single().Reason);
            }
        }
        foreach (var method in methods)
        {
            var action = $"{method.Service.FullName}/{method.Name}";
            var events = await EventsAsync($"client:{client}", action, atLeast: 2);
            Assert.All(events, e => Assert.Equal("INVALID_ARGUMENT:MALFORMED_MESSAGE", e.Outcome));
        }
    }

    [Fact]
    public async Task EveryRefusedMutatingCall_IsAudited_ForItsInput_AndForItsRights()
    {
        var mutating = BoyiMethods().Where(m => MutatingRpcs.Contains($"/{m.Service.FullName}/{m.Name}")).ToList();
        Assert.Contains(mutating, m => m.Name == "ApproveEnterprise");
        Assert.Contains(mutating, m => m.Name == "RejectLinkage");
        Assert.DoesNotContain(mutating, m => m.Name.StartsWith("Get", StringComparison.Ordinal) || m.Name.StartsWith("List", StringComparison.Ordinal));

        var (everything, everythingToken) = await ClientAsync(Scopes.All);
        var (reader, readerToken) = await ClientAsync([Scopes.RegistryRead]);
        foreach (var method in mutating)
        {
            // An empty request: refused for its input (a required field, a missing header).
            var (status, _) = await CallAsync(method, everythingToken, []);
            Assert.True(status is not StatusCode.OK, $"{method.FullName} accepted an empty request");
            // A client without the method's scope: refused for its rights.
            var (denied, _) = await CallAsync(method, readerToken, []);
            Assert.Equal(StatusCode.PermissionDenied, denied);
        }
        foreach (var method in mutating)
        {
            var action = $"{method.Service.FullName}/{method.Name}";
            var input = await EventsAsync($"client:{everything}", action, atLeast: 1);
            Assert.All(input, e => Assert.NotEqual("ok", e.Outcome));
            var rights = await EventsAsync($"client:{reader}", action, atLeast: 1);
            Assert.Equal("PERMISSION_DENIED:MISSING_SCOPE", Assert.Single(rights).Outcome);
        }
    }

    /// <summary>The audit events of <paramref name="actor"/>'s calls of <paramref name="action"/>, once there are <paramref name="atLeast"/>.</summary>
    private async Task<List<AuditRow>> EventsAsync(string actor, string action, int atLeast)
    {
        List<AuditRow> rows = [];
        await Boyi.Testing.Poll.UntilAsync(async () => (rows = await AuditRows.WhereAsync(s, "actor = $1 AND action = $2", actor, action)).Count >= atLeast,
            $"{atLeast} audit events of {action} by {actor}");
        return rows;
    }

    private async Task<(string Client, string Token)> ClientAsync(IReadOnlyList<string> scopes)
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, scopes);
        return (id, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken!);
    }

    /// <summary>One call with <paramref name="message"/> as its only request message, over cleartext HTTP/2.</summary>
    private async Task<(StatusCode Status, Google.Rpc.Status? Details)> CallAsync(MethodDescriptor method, string token, byte[] message)
    {
        using var http = new HttpClient();
        var frame = new byte[5 + message.Length];
        frame[4] = (byte)message.Length;
        message.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{s.GrpcAddress.TrimEnd('/')}/{method.Service.FullName}/{method.Name}")
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var cts = new CancellationTokenSource(Boyi.Testing.Poll.DefaultLimit);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{method.FullName}: HTTP {(int)response.StatusCode} {response.Version} {await response.Content.ReadAsStringAsync()} {request.RequestUri}");
        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var t) ? t.First()
            : response.Headers.TryGetValues(name, out var h) ? h.First() : null;
        var status = (StatusCode)int.Parse(Header("grpc-status") ?? "-1");
        var bin = Header("grpc-status-details-bin");
        return (status, bin is null ? null : Google.Rpc.Status.Parser.ParseFrom(Convert.FromBase64String(PadBase64(bin))));
    }

    private static string PadBase64(string s) => s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
}
