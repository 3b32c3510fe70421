using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using Google.Protobuf;
using StatusCode = global::Grpc.Core.StatusCode;

namespace Boyi.Server.Tests;

/// <summary>
/// The REST surface (gRPC JSON transcoding, docs/rest.md) called as a system that cannot speak gRPC calls it: a plain
/// HttpClient over HTTP/1.1 on the HTTP port, with a bearer token from the token endpoint.
/// </summary>
public sealed class RestTests(RestTests.Fixture f) : IClassFixture<RestTests.Fixture>
{
    /// <summary>The county, and a village of it with five households.</summary>
    public sealed class Fixture : CountyFixture
    {
        public string Village => County.Towns[0].Villages[0];
        public List<string> Names { get; } = [];
        public string Token { get; private set; } = "";
        public string ReadOnlyToken { get; private set; } = "";

        protected override async Task SeedAsync()
        {
            await base.SeedAsync();
            for (var i = 0; i < 5; i++)
                Names.Add((await Api.CreateHouseholdAsync(this, Village)).Name);
            Token = await TokenAsync(Scopes.HouseholdsRead, Scopes.HouseholdsWrite, Scopes.PersonalData, Scopes.AuditRead);
            ReadOnlyToken = await TokenAsync(Scopes.HouseholdsRead);
        }

        private async Task<string> TokenAsync(params string[] scopes)
        {
            var (id, secret) = await TestAuth.RegisterClientAsync(Services, scopes);
            return (await TestAuth.RequestTokenAsync(HttpAddress, id, secret)).AccessToken!;
        }

        /// <summary>A plain HTTP/1.1 client of the HTTP port, with the token when there is one.</summary>
        public HttpClient Http(string? token)
        {
            var http = new HttpClient { BaseAddress = new Uri(HttpAddress) };
            if (token is not null)
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return http;
        }
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode} {text}");
        Assert.Equal(HttpVersion.Version11, response.Version);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The google.rpc.Status JSON of an error answer, asserted to carry Boyi's ErrorInfo with the reason.</summary>
    private static async Task<JsonElement> StatusAsync(HttpResponseMessage response, HttpStatusCode expected, StatusCode code, string reason)
    {
        var status = await JsonAsync(response, expected);
        Assert.Equal((int)code, status.GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(status.GetProperty("message").GetString()));
        var info = Detail(status, "google.rpc.ErrorInfo");
        Assert.Equal("boyi", info.GetProperty("domain").GetString());
        Assert.Equal(reason, info.GetProperty("reason").GetString());
        return status;
    }

    private static JsonElement Detail(JsonElement status, string type) =>
        status.GetProperty("details").EnumerateArray().Single(d => d.GetProperty("@type").GetString() == $"type.googleapis.com/{type}");

    private static StringContent Body(IMessage message) =>
        new(JsonFormatter.Default.Format(message), Encoding.UTF8, "application/json");

    [Fact]
    public async Task ListHouseholds_PagesWithQueryParameters()
    {
        using var http = f.Http(f.Token);
        var first = await JsonAsync(await http.GetAsync($"/v1/{f.Village}/households?page_size=3"), HttpStatusCode.OK);
        var token = first.GetProperty("nextPageToken").GetString();
        Assert.False(string.IsNullOrEmpty(token));
        var second = await JsonAsync(await http.GetAsync($"/v1/{f.Village}/households?page_size=3&page_token={Uri.EscapeDataString(token!)}"),
            HttpStatusCode.OK);
        var names = first.GetProperty("households").EnumerateArray().Concat(second.GetProperty("households").EnumerateArray())
            .Select(h => h.GetProperty("name").GetString()).ToList();
        Assert.Equal(3, first.GetProperty("households").GetArrayLength());
        Assert.Equal(f.Names.Order(), names.Where(n => f.Names.Contains(n!)).Order());
        Assert.Equal(names.Count, names.Distinct().Count());

        // The county's and the town's bindings of the same RPC.
        var county = await JsonAsync(await http.GetAsync($"/v1/{f.County.Name}/households?page_size=50"), HttpStatusCode.OK);
        Assert.True(county.GetProperty("households").GetArrayLength() >= f.Names.Count);
    }

    [Fact]
    public async Task GetHousehold_ReturnsTheResource_AndNotFoundIs404WithStatus()
    {
        using var http = f.Http(f.Token);
        var one = await JsonAsync(await http.GetAsync($"/v1/{f.Names[0]}"), HttpStatusCode.OK);
        Assert.Equal(f.Names[0], one.GetProperty("household").GetProperty("name").GetString());
        Assert.Equal("HOUSEHOLD_STATUS_POOR", one.GetProperty("household").GetProperty("status").GetString());

        var missing = f.Names[0][..^5] + "99999";
        await StatusAsync(await http.GetAsync($"/v1/{missing}"), HttpStatusCode.NotFound, StatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task CreateHousehold_FromAJsonBody_IsIdempotentAndAudited()
    {
        using var http = f.Http(f.Token);
        var requestId = Guid.NewGuid().ToString();
        var household = Api.NewHousehold();
        var created = await JsonAsync(await http.PostAsync($"/v1/{f.Village}/households?request_id={requestId}", Body(household)),
            HttpStatusCode.OK);
        var name = created.GetProperty("household").GetProperty("name").GetString()!;
        Assert.StartsWith("households/", name);

        // A retry with the same request_id answers the first response (AIP-155), as over gRPC.
        var retried = await JsonAsync(await http.PostAsync($"/v1/{f.Village}/households?request_id={requestId}", Body(household)),
            HttpStatusCode.OK);
        Assert.Equal(name, retried.GetProperty("household").GetProperty("name").GetString());

        // Read back over gRPC, and audited under the gRPC method's name.
        Assert.Equal(household.Members.Count, (await f.Households.GetHouseholdAsync(new GetHouseholdRequest { Name = name })).Household.Members.Count);
        var audit = await JsonAsync(await http.GetAsync($"/v1/auditEvents?object={Uri.EscapeDataString(name)}"), HttpStatusCode.OK);
        Assert.Contains(audit.GetProperty("auditEvents").EnumerateArray(),
            e => e.GetProperty("action").GetString() == "boyi.v1.HouseholdService/CreateHousehold");
    }

    [Fact]
    public async Task BadInput_Is400_WithTheFieldViolationInTheStatus()
    {
        using var http = f.Http(f.Token);
        var household = Api.NewHousehold();
        household.Phone = "12";
        var response = await http.PostAsync($"/v1/{f.Village}/households", Body(household));
        var status = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal((int)StatusCode.InvalidArgument, status.GetProperty("code").GetInt32());
        Assert.Equal("boyi", Detail(status, "google.rpc.ErrorInfo").GetProperty("domain").GetString());
        var violations = Detail(status, "google.rpc.BadRequest").GetProperty("fieldViolations").EnumerateArray().ToList();
        Assert.Contains(violations, v => v.GetProperty("field").GetString()!.EndsWith("phone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnreadableJson_Is400_AndAuditedAsAMalformedMessage()
    {
        using var http = f.Http(f.Token);
        const string where = "action = 'boyi.v1.HouseholdService/CreateHousehold' AND outcome = 'INVALID_ARGUMENT:MALFORMED_MESSAGE'";
        Assert.Empty(await AuditRows.WhereAsync(f, where));
        var response = await http.PostAsync($"/v1/{f.Village}/households", new StringContent("{\"displayName\": ", Encoding.UTF8, "application/json"));
        var status = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal((int)StatusCode.InvalidArgument, status.GetProperty("code").GetInt32());
        var row = Assert.Single(await AuditRows.WhereAsync(f, where));
        Assert.Equal("client", row.ActorKind);
        Assert.NotEmpty(row.RequestId);
    }

    [Fact]
    public async Task WithoutAToken_Is401_AndWithoutTheScope_Is403_BothWithStatus()
    {
        using (var anonymous = f.Http(null))
            await StatusAsync(await anonymous.GetAsync($"/v1/{f.Village}/households"), HttpStatusCode.Unauthorized,
                StatusCode.Unauthenticated, "UNAUTHENTICATED");
        using (var forged = f.Http("not-a-token"))
            await StatusAsync(await forged.GetAsync($"/v1/{f.Names[0]}"), HttpStatusCode.Unauthorized,
                StatusCode.Unauthenticated, "UNAUTHENTICATED");
        using var readOnly = f.Http(f.ReadOnlyToken);
        var status = await StatusAsync(await readOnly.PostAsync($"/v1/{f.Village}/households", Body(Api.NewHousehold())),
            HttpStatusCode.Forbidden, StatusCode.PermissionDenied, "MISSING_SCOPE");
        Assert.Equal(Scopes.HouseholdsWrite, Detail(status, "google.rpc.ErrorInfo").GetProperty("metadata").GetProperty("scope").GetString());
    }

    [Fact]
    public async Task ExportHouseholds_StreamsOverRest()
    {
        using var http = f.Http(f.Token);
        var response = await http.GetAsync($"/v1/{f.Village}/households:export");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        foreach (var household in f.Names)
            Assert.Contains(household, text);
    }

    [Fact]
    public async Task OpenApiDocument_ListsTheAnnotatedPaths_WithTheBearerScheme()
    {
        using var http = f.Http(null);
        var doc = await JsonAsync(await http.GetAsync(Extensions.RestExtensions.OpenApiPath), HttpStatusCode.OK);
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/v1/counties/{county}/households", paths);
        Assert.Contains("/v1/villages/{village}/households", paths);
        Assert.Contains("/v1/linkages/{linkage}:approve", paths);
        Assert.Contains("/v1/pairings", paths);
        var bearer = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        Assert.Contains(doc.GetProperty("security").EnumerateArray(), s => s.TryGetProperty("bearer", out _));
    }
}

/// <summary>REST calls count against their caller's rate like gRPC calls, and the refusal is 429 with its RetryInfo.</summary>
public sealed class RestRateLimitTests(RateLimitedFixture s) : IClassFixture<RateLimitedFixture>
{
    [Fact]
    public async Task ACallerOverItsRate_Is429_WithTheStatusAndRetryInfo()
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, [Scopes.RegistryRead]);
        using var http = new HttpClient { BaseAddress = new Uri(s.HttpAddress) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
        for (var i = 0; i < RateLimitedFixture.Burst; i++)
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/counties")).StatusCode);

        var refused = await http.GetAsync("/v1/counties");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var status = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)StatusCode.ResourceExhausted, status.GetProperty("code").GetInt32());
        var details = status.GetProperty("details").EnumerateArray().ToList();
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.ErrorInfo"
                                      && d.GetProperty("reason").GetString() == Grpc.RateLimitInterceptor.Reason);
        Assert.Contains(details, d => d.GetProperty("@type").GetString() == "type.googleapis.com/google.rpc.RetryInfo");
    }
}
