using System.Globalization;
using System.Security.Claims;
using Boyi.Infrastructure.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Boyi.Server.Auth;

/// <summary>
/// What a person's tokens say: who they are, their roles and what they are tied to (county, town, cadre record,
/// enterprise). Built afresh at every sign-in and every refresh, so a changed role or a locked account takes
/// effect at the next refresh.
/// </summary>
public static class PersonPrincipal
{
    public static async Task<ClaimsPrincipal> CreateAsync(BoyiUser user, UserManager<BoyiUser> users, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id);
        identity.SetClaim(Claims.Name, user.UserName);
        identity.SetClaim(Claims.Nickname, user.FullName);
        identity.SetClaim(Caller.KindClaim, "person");
        identity.SetClaim(Caller.CountyClaim, user.CountyId.ToString(CultureInfo.InvariantCulture));
        if (user.TownId is { } town)
            identity.SetClaim(Caller.TownClaim, town.ToString(CultureInfo.InvariantCulture));
        if (user.CadreId is { } cadre)
            identity.SetClaim(Caller.CadreClaim, cadre.ToString(CultureInfo.InvariantCulture));
        if (user.ProvinceId is { } province)
            identity.SetClaim(Caller.ProvinceClaim, province.ToString(CultureInfo.InvariantCulture));
        if (user.EnterpriseId is { } enterprise)
            identity.SetClaim(Caller.EnterpriseClaim, enterprise.ToString(CultureInfo.InvariantCulture));
        identity.SetClaims(Claims.Role, [.. await users.GetRolesAsync(user)]);
        identity.SetScopes(scopes);
        identity.SetDestinations(claim => claim.Type switch
        {
            // The portal shows the name and role; everything goes into the access token the API reads.
            // The portal shows the person's name and role and starts from what they are tied to.
            Claims.Name or Claims.Nickname or Claims.Role or Caller.CountyClaim or Caller.TownClaim or Caller.CadreClaim or Caller.EnterpriseClaim
                or Caller.ProvinceClaim
                => [Destinations.AccessToken, Destinations.IdentityToken],
            _ => [Destinations.AccessToken],
        });
        return new ClaimsPrincipal(identity);
    }
}
