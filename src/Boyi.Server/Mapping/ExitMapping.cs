using Boyi.Contracts.V1;
using Boyi.Domain.Exits;
using ExitConfirmation = Boyi.Contracts.V1.ExitConfirmation;
using Boyi.Infrastructure.Exits;
using Boyi.Server.Grpc;

namespace Boyi.Server.Mapping;

public static class ExitMapping
{
    public static HouseholdExitAssessment ToProto(this ExitView<HouseholdExitRow> view)
    {
        var r = view.Row;
        var a = new HouseholdExitAssessment
        {
            Name = ResourceNames.HouseholdExit(r.Id), Household = ResourceNames.Household(r.HouseholdId), Town = ResourceNames.Town(r.TownId),
            Village = ResourceNames.Village(r.VillageId), Year = r.Year, PerCapitaIncomeFen = r.IncomeFen, IncomeFromRegistry = r.IncomeFromRegistry,
            IncomeLineFen = IncomeLines.For(r.Year) ?? 0, State = (Contracts.V1.ExitState)(int)r.State, People = r.People,
        };
        a.Indicators.AddRange(view.Checks.Select(c => new HouseholdExitCheck
        {
            Indicator = (HouseholdExitIndicator)c.Indicator, Met = c.Indicator == (short)HouseholdIndicator.IncomeAboveLine
                ? ExitRules.IncomeAbove(r.IncomeFen, IncomeLines.For(r.Year) ?? long.MaxValue) : c.Met,
            Evidence = c.Evidence, Assessor = c.Assessor,
        }));
        (a.TownConfirmation, a.CountyConfirmation) = (Confirmation(r.TownConfirmer, r.TownConfirmDate, r.TownConfirmTime),
            Confirmation(r.CountyConfirmer, r.CountyConfirmDate, r.CountyConfirmTime));
        (a.Etag, a.CreateTime, a.UpdateTime, a.Author) = (Wire.Etag(r.Version), Wire.Time(r.CreateTime), Wire.Time(r.UpdateTime), r.Author);
        return a;
    }

    public static VillageExitAssessment ToProto(this ExitView<VillageExitRow> view)
    {
        var r = view.Row;
        var a = new VillageExitAssessment
        {
            Name = ResourceNames.VillageExit(r.Id), Village = ResourceNames.Village(r.VillageId), Town = ResourceNames.Town(r.TownId),
            PoorPeople = r.PoorPeople, RegisteredRuralPopulation = r.Population, IncidencePpm = (int)ExitRules.IncidencePpm(r.PoorPeople, r.Population),
            State = (Contracts.V1.ExitState)(int)r.State,
        };
        a.Indicators.AddRange(view.Checks.Select(c => new VillageExitCheck
        {
            Indicator = (VillageExitIndicator)c.Indicator, Met = c.Indicator == (short)VillageIndicator.IncidenceBelowLimit
                ? ExitRules.IncidenceBelowLimit(r.PoorPeople, r.Population) : c.Met,
            Evidence = c.Evidence, Assessor = c.Assessor,
        }));
        (a.TownConfirmation, a.CountyConfirmation) = (Confirmation(r.TownConfirmer, r.TownConfirmDate, r.TownConfirmTime),
            Confirmation(r.CountyConfirmer, r.CountyConfirmDate, r.CountyConfirmTime));
        (a.Etag, a.CreateTime, a.UpdateTime, a.Author) = (Wire.Etag(r.Version), Wire.Time(r.CreateTime), Wire.Time(r.UpdateTime), r.Author);
        return a;
    }

    public static VillageExitStatus ToProto(this VillageExitStatusRow r) => new()
    {
        Village = ResourceNames.Village(r.VillageId), DisplayName = r.DisplayName, Town = ResourceNames.Town(r.TownId),
        RegisteredRuralPopulation = r.Population, PoorPeople = r.PoorPeople, IncidencePpm = (int)ExitRules.IncidencePpm(r.PoorPeople, r.Population),
        IncidenceBelowLimit = ExitRules.IncidenceBelowLimit(r.PoorPeople, r.Population), ExitTargetYear = r.ExitTargetYear ?? 0,
        ExitDate = Wire.Date(r.ExitDate), Assessment = r.AssessmentId is { } id ? ResourceNames.VillageExit(id) : "",
        AssessmentState = r.AssessmentState is { } state ? (Contracts.V1.ExitState)(int)state : Contracts.V1.ExitState.Unspecified,
        Poor = r.Poor,
    };

    public static ExitTarget ToProto(this ExitTargetRow t) => new()
    {
        Name = ResourceNames.ExitTarget(t.TownId == 0 ? new AreaRef(AreaKind.County, t.CountyId) : new AreaRef(AreaKind.Town, t.TownId), t.Year),
        People = t.People, Households = t.Households, Villages = t.Villages, Etag = Wire.Etag(t.Version), UpdateTime = Wire.Time(t.UpdateTime),
    };

    /// <summary>An area's target and its confirmed exits of the year, month by month (all twelve, January first).</summary>
    public static ExitProgress Progress(AreaRef area, ExitTargetRow? target, IReadOnlyList<ExitMonthRow> rows)
    {
        var p = new ExitProgress { Area = area.Name, Target = target?.ToProto() };
        for (var month = 1; month <= 12; month++)
        {
            var of = rows.Where(r => r.Month == month).ToList();
            var m = new ExitMonth { Month = month, People = of.Sum(r => r.People), Households = of.Sum(r => r.Households), Villages = of.Sum(r => r.Villages) };
            p.Months.Add(m);
            (p.People, p.Households, p.Villages) = (p.People + m.People, p.Households + m.Households, p.Villages + m.Villages);
        }
        return p;
    }

    private static ExitConfirmation? Confirmation(string? confirmer, DateOnly? date, DateTime? time) =>
        confirmer is null ? null : new ExitConfirmation { Confirmer = confirmer, Date = Wire.Date(date), Time = Wire.Time(time) };
}
