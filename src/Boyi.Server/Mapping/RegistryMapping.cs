using Boyi.Contracts.V1;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Boyi.Server.Grpc;
using Reg = Boyi.Domain.Registry;

namespace Boyi.Server.Mapping;

public static class RegistryMapping
{
    public static County ToProto(this CountyRow c) => new()
    {
        Name = ResourceNames.County(c.Id),
        DisplayName = c.DisplayName,
        CreateTime = Wire.Time(c.CreateTime),
        Province = ResourceNames.Province(Reg.Ids.ProvinceOfCounty(c.Id)),
    };

    public static Province ToProto(this Boyi.Infrastructure.Provinces.ProvinceRow p) => new()
    {
        Name = ResourceNames.Province(p.Id),
        DisplayName = p.DisplayName,
    };

    public static Town ToProto(this TownRow t) => new()
    {
        Name = ResourceNames.Town(t.Id),
        County = ResourceNames.County(t.CountyId),
        DisplayName = t.DisplayName,
        CreateTime = Wire.Time(t.CreateTime),
        UpdateTime = Wire.Time(t.UpdateTime),
        Etag = Wire.Etag(t.Version),
    };

    public static Village ToProto(this VillageRow v) => new()
    {
        Name = ResourceNames.Village(v.Id),
        Town = ResourceNames.Town(v.TownId),
        DisplayName = v.DisplayName,
        Poor = v.Poor,
        ExitTargetYear = v.ExitTargetYear ?? 0,
        ExitDate = Wire.Date(v.ExitDate),
        RegisteredRuralPopulation = v.RegisteredRuralPopulation,
        CreateTime = Wire.Time(v.CreateTime),
        UpdateTime = Wire.Time(v.UpdateTime),
        Etag = Wire.Etag(v.Version),
    };

    /// <summary>The cadre as answered: the phone masked unless <paramref name="full"/>.</summary>
    public static Cadre ToProto(this CadreRecord r, bool full = false) => new()
    {
        Name = ResourceNames.Cadre(r.Cadre.Id),
        County = ResourceNames.County(r.Cadre.CountyId),
        FullName = r.Cadre.FullName,
        Unit = r.Cadre.Unit,
        Rank = (CadreRank)(int)r.Cadre.Rank,
        LinkedTown = ResourceNames.Town(r.Cadre.LinkedTownId),
        LinkedVillage = r.Cadre.LinkedVillageId is { } v ? ResourceNames.Village(v) : "",
        Phone = full ? r.Cadre.Phone ?? "" : PersonalDataMask.Phone(r.Cadre.Phone),
        HouseholdQuota = r.Quota,
        ActivePairings = r.Cadre.ActivePairings,
        CreateTime = Wire.Time(r.Cadre.CreateTime),
        UpdateTime = Wire.Time(r.Cadre.UpdateTime),
        Etag = Wire.Etag(r.Cadre.Version),
    };

    public static Reg.CadreRank ToDomain(this CadreRank rank) => (Reg.CadreRank)(int)rank;

    public static CadreRank ToProto(this Reg.CadreRank rank) => (CadreRank)(int)rank;
}
