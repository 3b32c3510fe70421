using Boyi.Domain.Errors;
using Boyi.Infrastructure.Duties;
using Duties = Boyi.Domain.Duties;

namespace Boyi.Server.Mapping;

public static class DutyMapping
{
    public static string PolicyName(int countyId) => $"counties/{countyId}/dutyPolicy";

    public static Contracts.V1.DutyPolicy ToProto(this DutyPolicyRecord r)
    {
        var p = r.Policy;
        var proto = new Contracts.V1.DutyPolicy
        {
            Name = PolicyName(r.CountyId),
            ContactsPerMonth = p.ContactsPerMonth,
            VisitsPerQuarter = p.VisitsPerQuarter,
            EntryWindowDays = p.EntryWindowDays,
            CorrectionWindowHours = p.CorrectionWindowHours,
            FestivalDaysBefore = p.FestivalDaysBefore,
            FestivalDaysAfter = p.FestivalDaysAfter,
            DifficultyVisitDays = p.DifficultyVisitDays,
            LifeEventVisitDays = p.LifeEventVisitDays,
            DeathVisitDays = p.DeathVisitDays,
            DisputeVisitDays = p.DisputeVisitDays,
            Revision = r.Revision,
            UpdateTime = Wire.Time(r.ChangeTime),
            Etag = Wire.Etag(r.Revision),
        };
        proto.Festivals.AddRange(p.Festivals.Select(f => new Contracts.V1.LunarFestival
        {
            Code = f.Code, DisplayName = f.Name, LunarMonth = f.Month, LunarDay = f.Day,
        }));
        proto.BusySeasons.AddRange(p.BusySeasons.Select(s => new Contracts.V1.BusySeason
        {
            Code = s.Code, DisplayName = s.Name, StartDate = Wire.Date(s.From), EndDate = Wire.Date(s.To),
        }));
        return proto;
    }

    public static Contracts.V1.DutyPolicyRevision ToRevisionProto(this DutyPolicyRecord r) => new()
    {
        Name = $"{PolicyName(r.CountyId)}/revisions/{r.Revision}",
        Revision = r.Revision,
        Policy = r.ToProto(),
        ChangedBy = r.ChangedBy ?? "",
        ChangeTime = Wire.Time(r.ChangeTime),
        Reason = r.Reason ?? "",
    };

    /// <summary>
    /// The policy a request carries, validated whole: every violation is reported at once, under <c>policy.</c>
    /// (<c>policy.busy_seasons[2].end_date</c>).
    /// </summary>
    public static Duties.DutyPolicy ToDomain(this Contracts.V1.DutyPolicy p)
    {
        var v = new Violations();
        var seasons = new List<Duties.BusySeason>();
        for (var i = 0; i < p.BusySeasons.Count; i++)
        {
            var s = p.BusySeasons[i];
            DateOnly? from = null, to = null;
            v.Capture(() => from = Wire.Date(s.StartDate, $"busy_seasons[{i}].start_date"));
            v.Capture(() => to = Wire.Date(s.EndDate, $"busy_seasons[{i}].end_date"));
            if (from is null && !v.Items.Any(x => x.Field == $"busy_seasons[{i}].start_date"))
                v.Add($"busy_seasons[{i}].start_date", "REQUIRED", "is required");
            if (to is null && !v.Items.Any(x => x.Field == $"busy_seasons[{i}].end_date"))
                v.Add($"busy_seasons[{i}].end_date", "REQUIRED", "is required");
            if (from is { } f && to is { } t)
                seasons.Add(new Duties.BusySeason(s.Code.Trim(), s.DisplayName.Trim(), f, t));
        }
        var policy = new Duties.DutyPolicy
        {
            ContactsPerMonth = p.ContactsPerMonth,
            VisitsPerQuarter = p.VisitsPerQuarter,
            EntryWindowDays = p.EntryWindowDays,
            CorrectionWindowHours = p.CorrectionWindowHours,
            FestivalDaysBefore = p.FestivalDaysBefore,
            FestivalDaysAfter = p.FestivalDaysAfter,
            DifficultyVisitDays = p.DifficultyVisitDays,
            LifeEventVisitDays = p.LifeEventVisitDays,
            DeathVisitDays = p.DeathVisitDays,
            DisputeVisitDays = p.DisputeVisitDays,
            Festivals = p.Festivals.Select(f => new Duties.LunarFestival(f.Code.Trim(), f.DisplayName.Trim(), f.LunarMonth, f.LunarDay)).ToList(),
            BusySeasons = seasons,
        };
        // With a season's date missing or impossible, the list the domain sees is shorter and its indexes would point at
        // the wrong seasons: the season checks wait until the dates are right, the rest is reported now.
        var datesRight = !v.Any;
        foreach (var x in policy.Validate().Items.Where(x => datesRight || !x.Field.StartsWith("busy_seasons", StringComparison.Ordinal)))
            v.Add(x.Field, x.Reason, x.Description);
        var all = new Violations();
        all.Nested("policy", v);
        all.ThrowIfAny("The duty policy is not valid.");
        return policy;
    }
}
