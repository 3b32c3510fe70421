using Boyi.Contracts.V1;
using DutyPolicy = Boyi.Domain.Duties.DutyPolicy;
using HouseholdEventKind = Boyi.Domain.Duties.HouseholdEventKind;
using Boyi.Domain.Exits;
using Boyi.Domain.Relapse;
using Boyi.Infrastructure.Relapse;
using Boyi.Server.Grpc;
using RelapseTriggerKind = Boyi.Contracts.V1.RelapseTriggerKind;
using RelapseWatchState = Boyi.Contracts.V1.RelapseWatchState;

namespace Boyi.Server.Mapping;

public static class RelapseMapping
{
    /// <summary>A watch as answered on <paramref name="today"/> (China date): how long it has been open counts to then, or to its close.</summary>
    public static RelapseWatch ToProto(this RelapseView view, DateOnly today)
    {
        var r = view.Row;
        var w = new RelapseWatch
        {
            Name = ResourceNames.RelapseWatch(r.Id), Household = ResourceNames.Household(r.HouseholdId), HeadName = view.HeadName,
            Town = ResourceNames.Town(r.TownId), Village = ResourceNames.Village(r.VillageId), LiftedDate = Wire.Date(r.LiftedDate),
            WatchedUntil = Wire.Date(r.WatchedUntil), State = (RelapseWatchState)(int)r.State, OpenDate = Wire.Date(r.OpenDate),
            DaysOpen = RelapseRules.DaysOpen(r.OpenDate, r.CloseDate ?? today), CloseNote = r.CloseNote ?? "", Closer = r.Closer ?? "",
            CloseDate = Wire.Date(r.CloseDate), Etag = Wire.Etag(r.Version), CreateTime = Wire.Time(r.CreateTime), UpdateTime = Wire.Time(r.UpdateTime),
        };
        var visitDays = DutyPolicy.Default.EventVisitDays(HouseholdEventKind.RelapseRisk);
        w.Triggers.AddRange(view.Triggers.Select(t => new RelapseTrigger
        {
            Name = RelapseStore.TriggerName(t.Id), Kind = (RelapseTriggerKind)(int)t.Kind, Note = t.Note, AmountFen = t.AmountFen,
            Date = Wire.Date(t.TriggerDate), Reporter = t.Reporter, DutyKey = $"E:{RelapseStore.TriggerName(t.Id)}",
            VisitDueDate = Wire.Date(t.TriggerDate.AddDays(visitDays)), CreateTime = Wire.Time(t.CreateTime),
        }));
        w.Measures.AddRange(view.Measures.Select(m => new RelapseMeasure
        {
            What = m.What, TakenBy = m.TakenBy, Date = Wire.Date(m.MeasureDate), Author = m.Author, CreateTime = Wire.Time(m.CreateTime),
        }));
        return w;
    }

    /// <summary>A county's line of a year: the row it set, or the default when <paramref name="row"/> is null.</summary>
    public static RelapseMonitoringLine Line(int county, int year, RelapseLineRow? row) => new()
    {
        Name = ResourceNames.RelapseLine(county, year), LineFen = row?.LineFen ?? RelapseRules.DefaultLineFen(year), Default = row is null,
        IncomeLineFen = IncomeLines.For(year) ?? 0, Etag = row is null ? "" : Wire.Etag(row.Version),
        UpdateTime = row is null ? null : Wire.Time(row.UpdateTime),
    };
}
