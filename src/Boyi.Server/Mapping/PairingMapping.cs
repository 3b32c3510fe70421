using Boyi.Contracts.V1;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Pairing;
using Boyi.Server.Grpc;
using Domain = Boyi.Domain;

namespace Boyi.Server.Mapping;

public static class PairingMapping
{
    public static Pairing ToProto(this PairingRow p) => new()
    {
        Name = ResourceNames.Pairing(p.Id),
        Cadre = ResourceNames.Cadre(p.CadreId),
        Household = ResourceNames.Household(p.HouseholdId),
        ContactCardNumber = p.ContactCardNumber,
        StartDate = Wire.Date(p.StartDate),
        EndDate = Wire.Date(p.EndDate),
        EndReason = p.EndReason ?? "",
        State = p.EndDate is null ? PairingState.Active : PairingState.Ended,
        CreateTime = Wire.Time(p.CreateTime),
    };

    public static PairingPolicy ToProto(this PolicyRecord r)
    {
        var proto = new PairingPolicy
        {
            Name = ResourceNames.Policy(r.CountyId),
            UpdateTime = Wire.Time(r.UpdateTime),
            Etag = Wire.Etag(r.Version),
        };
        proto.Rules.AddRange(r.Policy.Rules.Select(rule => new QuotaRule
        {
            Rank = rule.Rank.ToProto(),
            Scope = rule.Scope.ToProto(),
            Households = rule.Households,
        }));
        return proto;
    }

    public static Domain.Pairing.QuotaRule ToDomain(this QuotaRule r) => new(
        r.Rank.ToDomain(),
        r.Scope switch
        {
            PairingScope.None => Domain.Registry.PairingScope.None,
            PairingScope.Town => Domain.Registry.PairingScope.Town,
            PairingScope.Village => Domain.Registry.PairingScope.Village,
            _ => (Domain.Registry.PairingScope)(-1),
        },
        r.Households);

    public static PairingScope ToProto(this Domain.Registry.PairingScope s) => s switch
    {
        Domain.Registry.PairingScope.None => PairingScope.None,
        Domain.Registry.PairingScope.Town => PairingScope.Town,
        _ => PairingScope.Village,
    };

    public static Coverage ToProto(this CoverageFigures c, string scope) => new()
    {
        Scope = scope,
        DisplayName = c.DisplayName,
        Households = c.Households,
        Paired = c.Paired,
        Unpaired = c.Households - c.Paired,
        Percent = c.Households == 0 ? 100 : Math.Round(100.0 * c.Paired / c.Households, 2),
    };
}
