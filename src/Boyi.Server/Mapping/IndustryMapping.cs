using Boyi.Contracts.V1;
using Boyi.Infrastructure.VillageIndustry;
using Boyi.Server.Grpc;
using Figures = Boyi.Infrastructure.VillageIndustry.IndustryFigures;

namespace Boyi.Server.Mapping;

public static class IndustryMapping
{
    public static VillageAssignment ToProto(this AssignmentView v) => new()
    {
        Name = IndustryStore.AssignmentName(v.Row.Id), Village = ResourceNames.Village(v.Row.VillageId), Cadre = ResourceNames.Cadre(v.Row.CadreId),
        CadreName = v.CadreName, Role = (VillageAssignmentRole)(int)v.Row.Role, StartDate = Wire.Date(v.Row.StartDate), EndDate = Wire.Date(v.Row.EndDate),
        CreateTime = Wire.Time(v.Row.CreateTime),
    };

    public static Contracts.V1.IndustryFigures ToProto(this Figures f) => new()
    {
        LandTransferredHundredthsMu = f.LandHundredths, HouseholdsEarningRent = f.HouseholdsEarningRent, RentDueFen = f.RentDueFen,
        RentPaidFen = f.RentPaidFen, OverdueDues = f.OverdueDues, VillagersEmployed = f.VillagersEmployed, DaysWorked = f.DaysWorked,
        WagesFen = f.WagesFen, Cooperatives = f.Cooperatives, Members = f.Members,
    };

    /// <summary>A cooperative; members' head names masked (张某) when <paramref name="mask"/> (an enterprise user reads).</summary>
    public static Cooperative ToProto(this CooperativeView v, bool mask)
    {
        var r = v.Row;
        var c = new Cooperative
        {
            Name = IndustryStore.CooperativeName(r.Id), Village = ResourceNames.Village(r.VillageId), Town = ResourceNames.Town(r.TownId),
            DisplayName = r.DisplayName, ChairName = r.ChairName, ChairCadre = r.ChairCadreId is { } cadre ? ResourceNames.Cadre(cadre) : "",
            Produce = r.Produce, FoundedDate = Wire.Date(r.FoundedDate), Linkage = r.LinkageId is { } l ? ResourceNames.Linkage(l) : "",
            Figures = v.Figures.ToProto(), Etag = Wire.Etag(r.Version), CreateTime = Wire.Time(r.CreateTime),
        };
        c.Members.AddRange(v.Members.Select(m => new CooperativeMember
        {
            Household = ResourceNames.Household(m.HouseholdId), HeadName = mask ? Boyi.Domain.Enterprises.Candidates.MaskName(m.HeadName) : m.HeadName,
            JoinDate = Wire.Date(m.JoinDate),
        }));
        return c;
    }

    public static RentDue ToProto(this RentDueRow d) => new()
    {
        Name = IndustryStore.DueName(d.Id), Contract = IndustryStore.ContractName(d.ContractId), Household = d.HouseholdId is { } h ? ResourceNames.Household(h) : "",
        LeaseYear = d.LeaseYear, PeriodStart = Wire.Date(d.PeriodStart), PeriodEnd = Wire.Date(d.PeriodEnd), DueDate = Wire.Date(d.DueDate),
        AmountFen = d.AmountFen, PaidFen = d.PaidFen, OverdueDate = Wire.Date(d.OverdueDate),
        State = d.PaidFen >= d.AmountFen ? RentDueState.Paid : d.OverdueDate is null ? RentDueState.Open : RentDueState.Overdue,
    };

    public static LandContract ToProto(this LandContractView v)
    {
        var r = v.Row;
        var c = new LandContract
        {
            Name = IndustryStore.ContractName(r.Id), Cooperative = IndustryStore.CooperativeName(r.CooperativeId), Household = r.HouseholdId is { } h ? ResourceNames.Household(h) : "",
            LessorName = r.LessorName,
            AreaHundredthsMu = r.AreaHundredths, RentFenPerMu = r.RentFenPerMu, StartDate = Wire.Date(r.StartDate), TermYears = r.TermYears,
            EndDate = Wire.Date(r.EndDate), YearlyRentFen = Boyi.Domain.VillageIndustry.IndustryRules.YearlyRentFen(r.AreaHundredths, r.RentFenPerMu),
            LastDay = Wire.Date(r.LastDay), CreateTime = Wire.Time(r.CreateTime),
        };
        c.Dues.AddRange(v.Dues.Select(d => d.ToProto()));
        return c;
    }

    public static BaseEmployment ToProto(this BaseEmploymentRow r) => new()
    {
        Name = IndustryStore.EmploymentName(r.Id), Cooperative = IndustryStore.CooperativeName(r.CooperativeId), Member = ResourceNames.Member(r.HouseholdId, r.MemberId),
        PeriodStart = Wire.Date(r.PeriodStart), PeriodEnd = Wire.Date(r.PeriodEnd), Days = r.Days, WagesFen = r.WagesFen, CreateTime = Wire.Time(r.CreateTime),
    };

    public static VillageIndustry ToProto(this VillageIndustryView v) => new()
    {
        Name = $"{ResourceNames.Village(v.VillageId)}/industry", VillageName = v.VillageName,
        FirstSecretary = v.FirstSecretaryId is { } c ? ResourceNames.Cadre(c) : "", FirstSecretaryName = v.FirstSecretaryName, WorkTeamSize = v.WorkTeamSize,
        Figures = v.Figures.ToProto(),
    };
}
