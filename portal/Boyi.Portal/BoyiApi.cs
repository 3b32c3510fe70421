using Boyi.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Authentication;

namespace Boyi.Portal;

/// <summary>
/// The gRPC API as the signed-in person: one shared channel, the person's access token on every call, so the
/// server applies that person's role and reach. The portal decides nothing itself.
/// </summary>
public sealed class BoyiApi(Uri address) : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(address);

    /// <summary>Where <see cref="SessionRenewal"/> leaves a token it renewed during this request.</summary>
    public const string RenewedTokenKey = "boyi.renewed-access-token";

    public async Task<CallOptions> AsAsync(HttpContext http)
    {
        var token = http.Items[RenewedTokenKey] as string ?? await http.GetTokenAsync("access_token")
            ?? throw new InvalidOperationException("The session holds no access token.");
        return new CallOptions(new Metadata { { "Authorization", $"Bearer {token}" } }, cancellationToken: http.RequestAborted);
    }

    public EnterpriseService.EnterpriseServiceClient Enterprises => new(_channel);
    public RegistryService.RegistryServiceClient Registry => new(_channel);
    public LinkageService.LinkageServiceClient Linkages => new(_channel);
    public ProjectService.ProjectServiceClient Projects => new(_channel);
    public JobService.JobServiceClient Jobs => new(_channel);
    public PairingService.PairingServiceClient Pairing => new(_channel);
    public HouseholdService.HouseholdServiceClient Households => new(_channel);
    public CadreService.CadreServiceClient Cadres => new(_channel);
    public LoanService.LoanServiceClient Loans => new(_channel);
    public NotificationService.NotificationServiceClient Notifications => new(_channel);
    public SubsidyService.SubsidyServiceClient Subsidies => new(_channel);
    public PaymentBatchService.PaymentBatchServiceClient Batches => new(_channel);
    public Google.LongRunning.Operations.OperationsClient Operations => new(_channel);
    public ContactService.ContactServiceClient Contacts => new(_channel);
    public DutyPolicyService.DutyPolicyServiceClient DutyPolicies => new(_channel);
    public ComplianceService.ComplianceServiceClient Compliance => new(_channel);
    public ProblemService.ProblemServiceClient Problems => new(_channel);
    public HelpPlanService.HelpPlanServiceClient HelpPlans => new(_channel);
    public StatementService.StatementServiceClient Statements => new(_channel);
    public ExitService.ExitServiceClient Exits => new(_channel);
    public CommendationService.CommendationServiceClient Commendations => new(_channel);
    public RelapseService.RelapseServiceClient Relapse => new(_channel);
    public IndustryService.IndustryServiceClient Industry => new(_channel);
    public ProvinceService.ProvinceServiceClient Provinces => new(_channel);

    /// <summary>Every town of <paramref name="county"/> (public registry data), all pages.</summary>
    public async Task<List<Town>> AllTownsAsync(string county, CallOptions o) =>
        await AllAsync<Town>(async token => (await Registry.ListTownsAsync(new ListTownsRequest { Parent = county, PageSize = 500, PageToken = token }, o))
            is var r ? (r.Towns, r.NextPageToken) : default);

    /// <summary>Every village of <paramref name="county"/> (public registry data), all pages.</summary>
    public async Task<List<Village>> AllVillagesAsync(string county, CallOptions o) =>
        await AllAsync<Village>(async token => (await Registry.ListVillagesAsync(new ListVillagesRequest { Parent = county, PageSize = 500, PageToken = token }, o))
            is var r ? (r.Villages, r.NextPageToken) : default);

    /// <summary>The county's approved partner enterprises (the directory every signed-in role may read).</summary>
    public async Task<List<PartnerEnterprise>> AllPartnerEnterprisesAsync(string county, CallOptions o) =>
        await AllAsync<PartnerEnterprise>(async token => (await Enterprises.ListPartnerEnterprisesAsync(
            new ListPartnerEnterprisesRequest { Parent = county, PageSize = 500, PageToken = token }, o)) is var r ? (r.PartnerEnterprises, r.NextPageToken) : default);

    /// <summary>
    /// Display names of <paramref name="enterprises"/>: from the county's directory of partners in one listing, and
    /// one by one only for those it does not list (not approved); a name the caller may not read stays as it is.
    /// </summary>
    public async Task<Dictionary<string, string>> EnterpriseNamesAsync(string county, IEnumerable<string> enterprises, CallOptions o)
    {
        var wanted = enterprises.Distinct(StringComparer.Ordinal).ToList();
        var names = wanted.Count == 0 ? [] : (await AllPartnerEnterprisesAsync(county, o)).Where(e => wanted.Contains(e.Name))
            .ToDictionary(e => e.Name, e => e.DisplayName, StringComparer.Ordinal);
        foreach (var e in wanted.Where(e => !names.ContainsKey(e)))
        {
            try
            {
                names[e] = (await Enterprises.GetEnterpriseAsync(new GetEnterpriseRequest { Name = e }, o)).Enterprise.DisplayName;
            }
            catch (RpcException x) when (x.StatusCode is StatusCode.NotFound or StatusCode.PermissionDenied)
            {
                names[e] = e;
            }
        }
        return names;
    }

    /// <summary>Every item of a paged list: <paramref name="page"/> answers one page and the next page token.</summary>
    public static async Task<List<T>> AllAsync<T>(Func<string, Task<(IEnumerable<T> Items, string Next)>> page)
    {
        var all = new List<T>();
        var token = "";
        do
        {
            var (items, next) = await page(token);
            all.AddRange(items);
            token = next;
        } while (token.Length > 0);
        return all;
    }

    public void Dispose() => _channel.Dispose();
}
