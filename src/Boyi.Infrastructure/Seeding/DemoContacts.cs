using Boyi.Domain;
using Boyi.Domain.Contacts;
using Boyi.Domain.Duties;
using ContactKind = Boyi.Domain.Contacts.ContactKind;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Contacts;
using Boyi.Infrastructure.Data;
using Npgsql;
using NpgsqlTypes;

namespace Boyi.Infrastructure.Seeding;

/// <summary>
/// The demo county's last year of contact duties (结亲帮扶 in practice): for every pairing, the calls and home visits
/// its cadre recorded in the twelve months before the seed's day, so that every compliance figure and dashboard has
/// something to show. Cadres differ as they do in a real county: most are diligent (a contact every month, the
/// quarter's home visit, most festival and busy-season visits, help given on many visits), some are behind (about half
/// of the months, a visit now and then) and a few never contacted their households at all. Visits carry the
/// people's-condition diary and name the occasion whose window they are in; help items follow the household's poverty
/// causes. Written with binary COPY in the county's seeding transaction, each record with its first revision, as
/// <see cref="ContactStore"/> would have written it.
/// </summary>
internal sealed class DemoContacts
{
    public const string Actor = "client:demo-seed";

    /// <summary>Cadres by how they keep their duties, per thousand.</summary>
    private const int DiligentPerMille = 760, BehindPerMille = 180;

    private static readonly ContactOccasion[] NoOccasions = [];
    private static readonly HelpItem[] NoHelp = [];

    /// <summary>A year of a county's records passes three foreign-key checks each: more than a command's default 30 s on a busy machine.</summary>
    private static readonly TimeSpan CopyTimeout = TimeSpan.FromMinutes(10);

    private static readonly string[] Done =
    [
        "入户走访，了解家庭近况，宣讲产业奖补和医疗保障政策。", "和户主一起核对家庭收入台账，算清今年的增收账。",
        "到地里看了看种养情况，讲了防病防灾的要点。", "帮助联系村卫生室，落实家庭医生签约服务。",
        "讲解小额信贷政策，帮助梳理发展养殖的打算。", "陪同到村委会办理低保和医保相关手续。",
    ];

    private static readonly string[] SeenAndHeard =
    [
        "家里人身体尚可，孩子按时上学，住房安全。", "户主说今年的谷子收成比去年好，想多养几头猪。",
        "老人腿脚不便，平时靠邻居帮忙买米买菜。", "家里缺劳动力，农忙时请人帮工负担较重。",
        "想外出务工但担心没有技术，希望参加培训。", "反映村里道路下雨天泥泞，农产品运出去不方便。",
    ];

    private static readonly string[] Thoughts =
    [
        "下次来带上技能培训报名表，争取让年轻人先学一门手艺。", "联系合作社收购，帮助解决农产品销路。",
        "跟进医疗报销进度，防止因病返贫。", "和村干部商量农忙互助，帮助解决劳力不足。",
        "继续鼓励发展庭院经济，定期回访看效果。", "把反映的道路问题报给镇里，争取纳入项目。",
    ];

    private static readonly Dictionary<HelpKind, string[]> HelpDescriptions = new()
    {
        [HelpKind.Policy] = ["讲解医疗保障和大病救助政策", "帮助申请教育资助", "落实产业奖补政策"],
        [HelpKind.Technology] = ["请农技员指导水稻病虫害防治", "讲解生猪养殖防疫要点", "推荐参加县里的技能培训"],
        [HelpKind.Projects] = ["协调加入村里的养牛合作社", "帮助申报庭院种养项目"],
        [HelpKind.Funds] = ["送去慰问金", "帮助购买鸡苗"],
        [HelpKind.SalesChannels] = ["联系企业收购家里的桂圆", "介绍电商平台代销土鸡蛋"],
        [HelpKind.DailyLife] = ["送去大米和食用油", "帮助修缮漏雨的屋顶"],
    };

    private readonly List<DemoRecord> _records;

    private DemoContacts(List<DemoRecord> records) => _records = records;

    public int Count => _records.Count;

    /// <summary>The counter the application continues numbering contact records from.</summary>
    public IdCounterRow Counter(int countyId) => new() { CountyId = countyId, Kind = "contact_record", Next = _records.Count + 1 };

    /// <summary>
    /// The year of contacts before <paramref name="today"/> (the seed's day is not over yet, so nothing is recorded
    /// for it) for the active pairings of <paramref name="county"/>, under <paramref name="policy"/>.
    /// </summary>
    public static DemoContacts Generate(DemoCounty county, DutyPolicy policy, ulong seed, DateOnly today, DateTime now)
    {
        var countyId = county.County.Id;
        var households = county.Households.ToDictionary(h => h.Household.Id, h => h.Household);
        var first = new DateOnly(today.Year, today.Month, 1).AddYears(-1);
        var last = today.AddDays(-1);
        // The demo's cadre account is the cadre of the lowest id with households (DemoAccounts): a diligent one, so the
        // cadre's own pages show a believable year with this month's duties still open.
        var demoCadre = county.Pairings.Where(p => p.EndDate is null).Min(p => (long?)p.CadreId);
        var records = new List<DemoRecord>();
        foreach (var pairing in county.Pairings.Where(p => p.EndDate is null))
        {
            var diligence = pairing.CadreId == demoCadre ? Diligence.Diligent : DiligenceOf(seed, countyId, pairing.CadreId);
            if (diligence == Diligence.Never)
                continue;
            var from = pairing.StartDate > first ? pairing.StartDate : first;
            if (from > last)
                continue;
            var rng = DemoRandom.For(seed, countyId, "contacts", pairing.Id);
            new PairingYear(pairing, households[pairing.HouseholdId], policy, diligence, from, last, now, rng, records).Generate();
        }
        // Numbered in the order they were entered, as the application numbers them.
        records.Sort((a, b) => a.Row.CreateTime != b.Row.CreateTime ? a.Row.CreateTime.CompareTo(b.Row.CreateTime) : a.Row.PairingId.CompareTo(b.Row.PairingId));
        for (var i = 0; i < records.Count; i++)
            records[i].Row.Id = countyId * ContactStore.IdFactor + i + 1;
        return new DemoContacts(records);
    }

    /// <summary>How a cadre keeps their duties in the demo (the demo's first cadre account is always diligent; see <see cref="Generate"/>).</summary>
    internal static Diligence DiligenceOf(ulong seed, int countyId, long cadreId)
    {
        var roll = DemoRandom.For(seed, countyId, "contact-cadre", cadreId).Next(1000);
        return roll < DiligentPerMille ? Diligence.Diligent : roll < DiligentPerMille + BehindPerMille ? Diligence.Behind : Diligence.Never;
    }

    /// <summary>Copies the records, their occasions, help items and first revisions (in the caller's transaction).</summary>
    public async Task WriteAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_records (id, county_id, town_id, village_id, household_id, cadre_id, pairing_id, kind, occur_time, occur_date, " +
            "diary_done, diary_seen_and_heard, diary_thoughts, author, revision, photo_count, version, create_time, update_time, correctable_until) " +
            "FROM STDIN (FORMAT BINARY)", ct))
        {
            w.Timeout = CopyTimeout;
            foreach (var r in _records.Select(d => d.Row))
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(r.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.CountyId, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(r.TownId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.VillageId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.HouseholdId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.CadreId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(r.PairingId, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync((short)r.Kind, NpgsqlDbType.Smallint, ct);
                await w.WriteAsync(r.OccurTime, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(r.OccurDate, NpgsqlDbType.Date, ct);
                await WriteTextAsync(w, r.DiaryDone, ct);
                await WriteTextAsync(w, r.DiarySeenAndHeard, ct);
                await WriteTextAsync(w, r.DiaryThoughts, ct);
                await w.WriteAsync(r.Author, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(r.Revision, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(r.PhotoCount, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(r.Version, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(r.CreateTime, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(r.UpdateTime, NpgsqlDbType.TimestampTz, ct);
                await w.WriteAsync(r.CorrectableUntil, NpgsqlDbType.TimestampTz, ct);
            }
            await w.CompleteAsync(ct);
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_occasions (record_id, position, county_id, kind, reference) FROM STDIN (FORMAT BINARY)", ct))
        {
            w.Timeout = CopyTimeout;
            foreach (var d in _records)
                for (var i = 0; i < d.Occasions.Length; i++)
                {
                    await w.StartRowAsync(ct);
                    await w.WriteAsync(d.Row.Id, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync((short)(i + 1), NpgsqlDbType.Smallint, ct);
                    await w.WriteAsync(d.Row.CountyId, NpgsqlDbType.Integer, ct);
                    await w.WriteAsync((short)d.Occasions[i].Kind, NpgsqlDbType.Smallint, ct);
                    await WriteTextAsync(w, d.Occasions[i].Reference, ct);
                }
            await w.CompleteAsync(ct);
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_help_items (record_id, position, county_id, kind, description, amount_fen) FROM STDIN (FORMAT BINARY)", ct))
        {
            w.Timeout = CopyTimeout;
            foreach (var d in _records)
                for (var i = 0; i < d.Help.Length; i++)
                {
                    await w.StartRowAsync(ct);
                    await w.WriteAsync(d.Row.Id, NpgsqlDbType.Bigint, ct);
                    await w.WriteAsync((short)(i + 1), NpgsqlDbType.Smallint, ct);
                    await w.WriteAsync(d.Row.CountyId, NpgsqlDbType.Integer, ct);
                    await w.WriteAsync((short)d.Help[i].Kind, NpgsqlDbType.Smallint, ct);
                    await w.WriteAsync(d.Help[i].Description, NpgsqlDbType.Varchar, ct);
                    await w.WriteAsync(d.Help[i].AmountFen, NpgsqlDbType.Bigint, ct);
                }
            await w.CompleteAsync(ct);
        }

        await using (var w = await conn.BeginBinaryImportAsync(
            "COPY contact_record_revisions (record_id, revision, county_id, content, actor, create_time) FROM STDIN (FORMAT BINARY)", ct))
        {
            w.Timeout = CopyTimeout;
            foreach (var d in _records)
            {
                var content = new ContactContent(d.Row.Kind, d.Row.OccurTime, d.Occasions, d.Help,
                    d.Row.DiaryDone is null ? null : new PeoplesConditionDiary(d.Row.DiaryDone, d.Row.DiarySeenAndHeard!, d.Row.DiaryThoughts!));
                await w.StartRowAsync(ct);
                await w.WriteAsync(d.Row.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(1, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(d.Row.CountyId, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(ContactStore.SerializeContent(content), NpgsqlDbType.Jsonb, ct);
                await w.WriteAsync(Actor, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(d.Row.CreateTime, NpgsqlDbType.TimestampTz, ct);
            }
            await w.CompleteAsync(ct);
        }
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, NpgsqlDbType.Varchar, ct);

    internal enum Diligence { Diligent, Behind, Never }

    private sealed record DemoRecord(ContactRecordRow Row, ContactOccasion[] Occasions, HelpItem[] Help);

    /// <summary>One pairing's year: its monthly contacts, quarterly visits and must-visits, as its cadre kept them.</summary>
    private sealed class PairingYear(PairingRow pairing, HouseholdRow household, DutyPolicy policy, Diligence diligence,
        DateOnly from, DateOnly last, DateTime now, DemoRandom rng, List<DemoRecord> records)
    {
        private bool Diligent => diligence == Diligence.Diligent;

        public void Generate()
        {
            // The quarter's home visit in one month of each quarter, other months a call (now and then a second one).
            var visitMonth = rng.Next(3);
            for (var month = new DateOnly(from.Year, from.Month, 1); month <= last; month = month.AddMonths(1))
            {
                if ((month.Month - 1) % 3 == 0)
                    visitMonth = rng.Next(3);
                var quarterVisitDue = (month.Month - 1) % 3 == visitMonth;
                if (quarterVisitDue && rng.Chance(Diligent ? 960 : 450))
                    Add(ContactKind.HomeVisit, Day(month, month.AddMonths(1).AddDays(-1)), NoOccasions);
                else if (rng.Chance(Diligent ? 950 : 520))
                    Add(rng.Chance(850) ? ContactKind.PhoneCall : ContactKind.OtherMeeting, Day(month, month.AddMonths(1).AddDays(-1)), NoOccasions);
                if (Diligent && rng.Chance(120))
                    Add(ContactKind.PhoneCall, Day(month, month.AddMonths(1).AddDays(-1)), NoOccasions);
            }
            // Festivals (by the lunar calendar) and busy seasons whose window is in the year: a visit naming the occasion.
            for (var year = from.Year - 1; year <= last.Year; year++)
                foreach (var f in policy.Festivals)
                {
                    var day = LunarCalendar.ToGregorian(year, f.Month, f.Day);
                    MustVisit(new ContactOccasion(ContactOccasionKind.Festival, f.Code), day.AddDays(-policy.FestivalDaysBefore), day.AddDays(policy.FestivalDaysAfter), Diligent ? 820 : 220);
                }
            foreach (var s in policy.BusySeasons)
                MustVisit(new ContactOccasion(ContactOccasionKind.BusySeason, s.Code), s.From, s.To, Diligent ? 650 : 150);
        }

        private void MustVisit(ContactOccasion occasion, DateOnly open, DateOnly close, int per1000)
        {
            var start = open > from ? open : from;
            var end = close < last ? close : last;
            if (start <= end && rng.Chance(per1000))
                Add(ContactKind.HomeVisit, Day(start, end), [occasion]);
        }

        private DateOnly Day(DateOnly start, DateOnly end)
        {
            if (start < from)
                start = from;
            if (end > last)
                end = last;
            return start.AddDays(rng.Next(end.DayNumber - start.DayNumber + 1));
        }

        private void Add(ContactKind kind, DateOnly date, ContactOccasion[] occasions)
        {
            // During the day in China (calls also in the evening); entered the same day up to three days later, never
            // after the seed's moment.
            var occur = date.ToDateTime(new TimeOnly(kind == ContactKind.PhoneCall ? rng.Between(8, 20) : rng.Between(8, 17), rng.Next(60)), DateTimeKind.Utc)
                - ChinaTime.Offset;
            var entered = occur + TimeSpan.FromMinutes(rng.Between(20, 3 * 24 * 60));
            if (entered > now)
                entered = now;
            var visit = kind == ContactKind.HomeVisit;
            var row = new ContactRecordRow
            {
                CountyId = pairing.CountyId, TownId = household.TownId, VillageId = household.VillageId, HouseholdId = household.Id,
                CadreId = pairing.CadreId, PairingId = pairing.Id, Kind = kind, OccurTime = occur, OccurDate = date,
                DiaryDone = visit ? rng.Pick(Done) : null, DiarySeenAndHeard = visit ? rng.Pick(SeenAndHeard) : null,
                DiaryThoughts = visit ? rng.Pick(Thoughts) : null, Author = Actor, Revision = 1, PhotoCount = 0, Version = 1,
                CreateTime = entered, UpdateTime = entered, CorrectableUntil = entered.AddHours(policy.CorrectionWindowHours),
            };
            records.Add(new DemoRecord(row, occasions, visit && rng.Chance(Diligent ? 550 : 300) ? [Help()] : NoHelp));
        }

        /// <summary>Help that fits the household: money or goods where money is short, know-how where skills are, policy where illness is.</summary>
        private HelpItem Help()
        {
            var causes = household.PovertyCauses.Select(c => (PovertyCause)c).ToHashSet();
            var kind = causes.Contains(PovertyCause.Illness) || causes.Contains(PovertyCause.Disability) ? rng.Pick([HelpKind.Policy, HelpKind.DailyLife])
                : causes.Contains(PovertyCause.LackOfFunds) ? rng.Pick([HelpKind.Funds, HelpKind.Projects])
                : causes.Contains(PovertyCause.LackOfSkills) ? HelpKind.Technology
                : rng.Pick([HelpKind.Policy, HelpKind.Technology, HelpKind.Projects, HelpKind.SalesChannels, HelpKind.DailyLife]);
            var amount = kind switch
            {
                HelpKind.Funds => rng.Between(4, 20) * 5_000L,
                HelpKind.DailyLife => rng.Between(8, 30) * 1_000L,
                _ => 0L,
            };
            return new HelpItem(kind, rng.Pick(HelpDescriptions[kind]), amount);
        }
    }
}
