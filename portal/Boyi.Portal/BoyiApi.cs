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

    public async Task<CallOptions> AsAsync(HttpContext http)
    {
        var token = await http.GetTokenAsync("access_token") ?? throw new InvalidOperationException("The session holds no access token.");
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

    public void Dispose() => _channel.Dispose();
}
