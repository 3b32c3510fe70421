using System.Globalization;
using Boyi.Domain.Pairing;
using Boyi.Domain.Registry;
using Boyi.Domain.Validation;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Households;

namespace Boyi.Infrastructure.Seeding;

/// <summary>A generated county, in the row shapes it is written in.</summary>
internal sealed class DemoCounty
{
    public required CountyRow County { get; init; }
    public required IReadOnlyList<QuotaRule> QuotaRules { get; init; }
    public required List<TownRow> Towns { get; init; }
    public required List<VillageRow> Villages { get; init; }
    public required List<HouseholdRecord> Households { get; init; }
    public required List<CadreRow> Cadres { get; init; }
    public required List<PairingRow> Pairings { get; init; }
    public required List<IdCounterRow> Counters { get; init; }
    public required int People { get; init; }
    public required int NeedingPairing { get; init; }
    /// <summary>The county's loans, schemes, lender and guarantor (generated after the people's numbers are settled).</summary>
    public DemoLoans? Loans { get; set; }
    /// <summary>The last year of contact records: the single demo county only (the province's benchmarks do without).</summary>
    public DemoContacts? Contacts { get; set; }

    public string Describe()
    {
        var ranks = string.Join(", ", Cadres.GroupBy(c => c.Rank).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
        var coverage = NeedingPairing == 0 ? 100.0 : 100.0 * Pairings.Count / NeedingPairing;
        return string.Create(CultureInfo.InvariantCulture,
            $"{County.Id} {County.DisplayName}: {Towns.Count} towns, {Villages.Count} villages ({Villages.Count(v => v.Poor)} poor), " +
            $"{Households.Count} households, {People} people, {Cadres.Count} cadres ({ranks}), " +
            $"{Pairings.Count} pairings of {NeedingPairing} households needing one ({coverage:F1}% coverage)");
    }
}

/// <summary>
/// Builds a demo county in memory. Every choice is drawn from <see cref="DemoRandom"/> streams keyed by
/// (seed, county, purpose, item), so the same options give the same ids, names and numbers on every run;
/// only timestamps, this year's exit targets and lifted years follow the clock.
/// </summary>
internal sealed class DemoCountyGenerator
{
    /// <summary>The mobilisation meeting that launched 结亲帮扶 in Bobai (source article).</summary>
    public static readonly DateOnly CampaignLaunch = new(2016, 3, 10);

    /// <summary>
    /// The household cards (户情征集卡) were filled in right after the launch, so members' ages are as of that
    /// day. A fixed date rather than today keeps birth dates, and so ID numbers, independent of the clock.
    /// </summary>
    public static readonly DateOnly CardDate = CampaignLaunch;

    /// <summary>The article's horizon: the campaign runs until every poor person is lifted in 2020.</summary>
    private static readonly DateOnly CampaignEnd = new(2020, 12, 31);

    public const string StatusReason = "demo county seed";

    private static readonly int BirthDayBase = new DateOnly(1900, 1, 1).DayNumber;

    // Household sizes 1..10, per mille; mean ≈ 4.8 like Bobai's 125,000 people in 26,000 households.
    private static readonly int[] SizePerMille = [40, 80, 120, 190, 220, 170, 100, 50, 20, 10];

    private static readonly PovertyCause[] Causes = Enum.GetValues<PovertyCause>();

    private readonly ulong _seed;
    private readonly int _countyId;
    private readonly string _countyName;
    private readonly string _region;
    private readonly DemoCountyFigures _figures;
    private readonly PairingPolicy _policy = PairingPolicy.Bobai865321;
    private readonly DateOnly _today;
    private readonly int _currentYear;
    private readonly DateTime _now;
    private readonly IReadOnlySet<string> _takenIdNumbers;

    // Layout, by dense index.
    private long[] _townIds = [];
    private string[] _townNames = [];
    private int[] _firstVillageOfTown = [];
    private int[] _villageCountOfTown = [];
    private int[] _townOfVillage = [];
    private long[] _villageIds = [];
    private bool[] _poor = [];
    private int[] _exitOffset = [];
    private int[] _householdCountOfVillage = [];
    private int[] _firstHouseholdOfVillage = [];

    // ID-number sequences handed out so far, per (birth day, sex).
    private int[] _idSequencesUsed = [];

    private DemoCountyGenerator(DemoCountyOptions options, DateOnly today, DateTime now, IReadOnlySet<string> takenIdNumbers)
    {
        _seed = options.Seed;
        _countyId = options.CountyId;
        _countyName = options.DisplayName;
        _region = options.CountyId.ToString(CultureInfo.InvariantCulture);
        _figures = DemoCountyFigures.For(options.Scale);
        _today = today;
        _currentYear = today.Year;
        _now = now;
        _takenIdNumbers = takenIdNumbers;
    }

    /// <param name="takenIdNumbers">ID numbers with this county's region code already in the database, to step around.</param>
    public static DemoCounty Generate(DemoCountyOptions options, DateOnly today, DateTime now, IReadOnlySet<string> takenIdNumbers)
    {
        options.Check();
        if (today <= CampaignLaunch.AddDays(1))
            throw new ArgumentOutOfRangeException(nameof(today), today, $"The demo county's pairings start on {CampaignLaunch:yyyy-MM-dd}; the clock must be later.");
        return new DemoCountyGenerator(options, today, now, takenIdNumbers).Run();
    }

    private DemoRandom Rng(string stream, long index = 0) => DemoRandom.For(_seed, _countyId, stream, index);

    private DemoCounty Run()
    {
        var county = new CountyRow { Id = _countyId, DisplayName = _countyName, PolicyVersion = 1, CreateTime = _now, PolicyUpdateTime = _now };
        var towns = LayOutTowns();
        var villages = LayOutVillages();
        SizeVillages();
        var population = Rng("village-population");
        for (var v = 0; v < villages.Count; v++)
        {
            villages[v].NextHouseholdSeq = _householdCountOfVillage[v] + 1;
            // The registered rural population (户籍农业人口) of which the registry's households are the poor part:
            // about four people a household, a fifth to a third of a poor village, a twentieth of another.
            var share = _poor[v] ? population.Between(0.20, 0.33) : population.Between(0.04, 0.08);
            villages[v].RegisteredRuralPopulation = (int)(_householdCountOfVillage[v] * 4 / share);
        }
        var households = GenerateHouseholds();
        var needy = new List<int>[villages.Count];
        for (var v = 0; v < villages.Count; v++)
        {
            needy[v] = [];
            for (var i = _firstHouseholdOfVillage[v]; i < _firstHouseholdOfVillage[v] + _householdCountOfVillage[v]; i++)
            {
                if (HouseholdRules.NeedsPairing(households[i].Household.Status))
                    needy[v].Add(i);
            }
        }

        var cadres = GenerateCadres(needy);
        var pairings = GeneratePairings(needy, cadres, households);
        var counters = Counters(cadres, pairings);
        return new DemoCounty
        {
            County = county,
            QuotaRules = _policy.Rules.ToArray(),
            Towns = towns,
            Villages = villages,
            Households = households,
            Cadres = cadres,
            Pairings = pairings,
            Counters = counters,
            People = households.Sum(h => h.Members.Count),
            NeedingPairing = needy.Sum(n => n.Count),
        };
    }

    // ---------------------------------------------------------------- towns and villages

    private List<TownRow> LayOutTowns()
    {
        var rng = Rng("towns");
        var count = _figures.Towns;
        _townIds = new long[count];
        _townNames = new string[count];
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var t = 0; t < count; t++)
        {
            _townIds[t] = _countyId * 1_000L + 101 + t;
            _townNames[t] = _countyId == GuangxiCounties.BobaiCode
                ? DemoNames.BobaiTowns[t]
                : UniqueName(rng, used, "镇");
        }

        return Enumerable.Range(0, count).Select(t => new TownRow
        {
            Id = _townIds[t], CountyId = _countyId, DisplayName = _townNames[t], Version = 1, CreateTime = _now, UpdateTime = _now,
        }).ToList();
    }

    private List<VillageRow> LayOutVillages()
    {
        var rng = Rng("villages");
        var townCount = _townIds.Length;
        var weights = new double[townCount];
        for (var t = 0; t < townCount; t++)
            weights[t] = rng.Between(0.6, 1.4) * (t == 0 ? 1.6 : 1.0);   // the first town is the county seat
        _villageCountOfTown = Apportion(_figures.Villages, weights, Filled(townCount, 1), Filled(townCount, 799));
        _firstVillageOfTown = new int[townCount];
        var villageCount = _figures.Villages;
        _townOfVillage = new int[villageCount];
        var names = new string[villageCount];
        var articleVillage = -1;
        var v = 0;
        for (var t = 0; t < townCount; t++)
        {
            _firstVillageOfTown[t] = v;
            var used = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < _villageCountOfTown[t]; k++, v++)
            {
                _townOfVillage[v] = t;
                if (k == 0 && _countyId == GuangxiCounties.BobaiCode && _townNames[t] == DemoNames.ArticleTown)
                {
                    names[v] = DemoNames.ArticleVillage;
                    used.Add(names[v]);
                    articleVillage = v;
                }
                else
                {
                    names[v] = UniqueName(rng, used, "村");
                }
            }
        }

        // Poor villages spread over the towns in proportion to their villages.
        _poor = new bool[villageCount];
        var poorOfTown = Apportion(_figures.PoorVillages, _villageCountOfTown.Select(c => (double)c).ToArray(),
            Filled(townCount, 0), _villageCountOfTown);
        for (var t = 0; t < townCount; t++)
        {
            var order = Enumerable.Range(_firstVillageOfTown[t], _villageCountOfTown[t]).ToList();
            rng.Shuffle(order);
            var at = order.IndexOf(articleVillage);
            if (at > 0 && poorOfTown[t] > 0)
                (order[0], order[at]) = (order[at], order[0]);
            for (var k = 0; k < poorOfTown[t]; k++)
                _poor[order[k]] = true;
        }

        // This year's exits (62 at full scale), the rest spread over the following years, fewer each year.
        _exitOffset = Filled(villageCount, -1);
        var poorVillages = Enumerable.Range(0, villageCount).Where(i => _poor[i]).ToList();
        rng.Shuffle(poorVillages);
        var later = poorVillages.Count - _figures.PoorVillagesExitingThisYear;
        var perLaterYear = Apportion(later, [4, 3, 2, 1], Filled(4, 0), Filled(4, later));
        var next = 0;
        for (var k = 0; k < _figures.PoorVillagesExitingThisYear; k++)
            _exitOffset[poorVillages[next++]] = 0;
        for (var year = 0; year < perLaterYear.Length; year++)
        {
            for (var k = 0; k < perLaterYear[year]; k++)
                _exitOffset[poorVillages[next++]] = year + 1;
        }

        _villageIds = new long[villageCount];
        for (var i = 0; i < villageCount; i++)
            _villageIds[i] = _townIds[_townOfVillage[i]] * 1_000 + 201 + (i - _firstVillageOfTown[_townOfVillage[i]]);

        var rows = new List<VillageRow>(villageCount);
        for (var i = 0; i < villageCount; i++)
        {
            rows.Add(new VillageRow
            {
                Id = _villageIds[i],
                TownId = _townIds[_townOfVillage[i]],
                CountyId = _countyId,
                DisplayName = names[i],
                Poor = _poor[i],
                ExitTargetYear = _poor[i] ? _currentYear + _exitOffset[i] : null,
                ExitDate = null,
                Version = 1,
                CreateTime = _now,
                UpdateTime = _now,
            });
        }

        return rows;
    }

    /// <summary>Households per village: poor villages hold most of them, but every village has some.</summary>
    private void SizeVillages()
    {
        var rng = Rng("village-sizes");
        var count = _townOfVillage.Length;
        var weights = new double[count];
        for (var v = 0; v < count; v++)
            weights[v] = (_poor[v] ? 2.5 : 1.0) * rng.Between(0.5, 1.5);
        _householdCountOfVillage = Apportion(_figures.Households, weights, Filled(count, 1), Filled(count, (int)Ids.HouseholdSeqFactor - 1));
        _firstHouseholdOfVillage = new int[count];
        for (var v = 1; v < count; v++)
            _firstHouseholdOfVillage[v] = _firstHouseholdOfVillage[v - 1] + _householdCountOfVillage[v - 1];
    }

    // ---------------------------------------------------------------- households

    private List<HouseholdRecord> GenerateHouseholds()
    {
        var sizes = HouseholdSizes();
        _idSequencesUsed = new int[2 * (CardDate.DayNumber - BirthDayBase + 1)];
        var records = new List<HouseholdRecord>(sizes.Length);
        var villageIds = _villageIds;
        for (var v = 0; v < villageIds.Length; v++)
        {
            var rng = Rng("village-households", v);
            var townId = _townIds[_townOfVillage[v]];
            for (var k = 0; k < _householdCountOfVillage[v]; k++)
            {
                var id = villageIds[v] * Ids.HouseholdSeqFactor + k + 1;
                records.Add(GenerateHousehold(rng, id, townId, villageIds[v], sizes[_firstHouseholdOfVillage[v] + k]));
            }
        }

        return records;
    }

    /// <summary>Sizes drawn from <see cref="SizePerMille"/>, then nudged so that the people add up exactly.</summary>
    private int[] HouseholdSizes()
    {
        var rng = Rng("household-sizes");
        var sizes = new int[_figures.Households];
        var total = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = 1 + rng.PickWeighted(SizePerMille, 1000);
            total += sizes[i];
        }

        while (total != _figures.People)
        {
            var i = rng.Next(sizes.Length);
            if (total < _figures.People && sizes[i] < SizePerMille.Length)
            {
                sizes[i]++;
                total++;
            }
            else if (total > _figures.People && sizes[i] > 1)
            {
                sizes[i]--;
                total--;
            }
        }

        return sizes;
    }

    private HouseholdRecord GenerateHousehold(DemoRandom rng, long id, long townId, long villageId, int size)
    {
        var drafts = ComposeFamily(rng, size);
        var members = new List<HouseholdMemberRow>(size);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ill = false;
        var disabled = false;
        var schoolAge = 0;
        for (var i = 0; i < drafts.Count; i++)
        {
            var d = drafts[i];
            var birth = CardDate.AddYears(-d.Age).AddDays(-rng.Next(365));
            string name;
            var attempts = 0;
            do
                name = d.Surname + DemoNames.GivenName(rng, d.Male, birth.Year);
            while (!names.Add(name) && ++attempts < 50);

            var (health, labour) = HealthAndLabour(rng, d.Age);
            ill |= health is HealthStatus.ChronicIllness or HealthStatus.SeriousIllness;
            disabled |= health == HealthStatus.Disabled;
            if (d.Age is >= 6 and <= 22)
                schoolAge++;
            members.Add(new HouseholdMemberRow
            {
                HouseholdId = id,
                MemberId = (short)(i + 1),
                CountyId = _countyId,
                FullName = name,
                Relation = d.Relation,
                IdCardNumber = NextIdNumber(birth, d.Male),
                BirthDate = birth,
                Health = health,
                LabourCapacity = labour,
            });
        }

        var hasLabour = members.Any(m => m.LabourCapacity != LabourCapacity.None);
        var skilled = members.Any(m => m.LabourCapacity == LabourCapacity.Skilled);
        var willing = hasLabour && rng.Chance(skilled ? 700 : 520);

        // Status: a few households already lifted out, about 1% flagged at risk of relapse. The draw does
        // not depend on the clock; the lifted year (2016..last year) does, through one uniform draw.
        var statusRoll = rng.Next(1000);
        var yearDraw = rng.NextDouble();
        var lastYear = _currentYear - 1;
        var status = statusRoll switch
        {
            < 30 when lastYear >= 2016 => HouseholdStatus.Lifted,
            < 40 when lastYear >= 2016 => HouseholdStatus.AtRiskOfRelapse,
            _ => HouseholdStatus.Poor,
        };
        int? liftedYear = status == HouseholdStatus.Poor ? null : 2016 + (int)(yearDraw * (lastYear - 2016 + 1));

        var incomeYuan = status switch
        {
            HouseholdStatus.Lifted => rng.Between(3_300, 4_500),
            HouseholdStatus.AtRiskOfRelapse => rng.Between(2_900, 3_600),
            _ => hasLabour ? rng.Between(1_800, 3_100) : rng.Between(1_500, 2_600),
        };

        var phone = rng.Chance(880) ? DemoNames.MobilePhone(rng) : null;
        var causes = PovertyCauses(rng, ill, disabled, schoolAge, hasLabour, skilled);
        var household = new HouseholdRow
        {
            Id = id,
            CountyId = _countyId,
            TownId = townId,
            VillageId = villageId,
            HeadName = members[0].FullName,
            MemberCount = (short)members.Count,
            Phone = phone,
            PovertyCauses = causes,
            PerCapitaIncomeFen = incomeYuan * 100L,
            HasLabourCapacity = hasLabour,
            WillingToRunIndustry = willing,
            Classification = HouseholdRules.Classify(hasLabour, willing),
            Status = status,
            LiftedYear = liftedYear,
            Version = 1,
            CreateTime = _now,
            UpdateTime = _now,
        };
        return new HouseholdRecord(household, members);
    }

    private readonly record struct Draft(Relation Relation, bool Male, int Age, string Surname);

    /// <summary>
    /// Who lives in a household of <paramref name="size"/>: the head, usually a spouse, then either a married
    /// son with his wife and children (older heads) or the head's children, sometimes with the head's parents
    /// or a sibling. Ages keep generations at least 18 years apart. Children and grandchildren carry the head's
    /// surname; spouses, the daughter-in-law and the head's mother another one.
    /// </summary>
    private static List<Draft> ComposeFamily(DemoRandom rng, int size)
    {
        var family = new List<Draft>(size);
        var headAge = size switch
        {
            1 => rng.Between(52, 90),
            2 => rng.Chance(500) ? rng.Between(60, 86) : rng.Between(30, 59),
            <= 5 => rng.Between(28, 68),
            _ => rng.Between(40, 72),
        };
        var headMale = rng.Chance(size == 1 ? 620 : 860);
        var surname = DemoNames.Surname(rng);
        family.Add(new Draft(Relation.Head, headMale, headAge, surname));
        var remaining = size - 1;

        var spouseAge = 0;
        if (remaining > 0 && rng.Chance(headMale ? (size == 2 ? 700 : 900) : 300))
        {
            var gap = rng.Between(-1, 6);   // husbands are usually a few years older
            spouseAge = Math.Clamp(headMale ? headAge - gap : headAge + gap, 18, 95);
            family.Add(new Draft(Relation.Spouse, !headMale, spouseAge, DemoNames.OtherSurname(rng, surname)));
            remaining--;
        }

        // The younger of the head's children's parents bounds the children's ages.
        var parentOfChildren = spouseAge > 0 ? Math.Min(headAge, spouseAge) : headAge;

        if (remaining >= 3 && headAge >= 50 && rng.Chance(remaining >= 4 ? 850 : 700))
        {
            var sonAge = Math.Max(20, parentOfChildren - rng.Between(20, 30));
            var wifeAge = Math.Max(19, sonAge + rng.Between(-4, 1));
            family.Add(new Draft(Relation.Child, true, sonAge, surname));
            family.Add(new Draft(Relation.ChildInLaw, false, wifeAge, DemoNames.OtherSurname(rng, surname)));
            remaining -= 2;
            if (remaining >= 2 && rng.Chance(250))
            {
                var youngest = Math.Min(sonAge - 1, parentOfChildren - 18);
                family.Add(new Draft(Relation.Child, rng.Chance(520), rng.Between(Math.Min(16, youngest), youngest), surname));
                remaining--;
            }

            var youngerOfCouple = Math.Min(sonAge, wifeAge);
            var youngestGrandchild = Math.Max(0, youngerOfCouple - 45);
            var oldestGrandchild = Math.Min(youngerOfCouple - 18, Math.Max(youngestGrandchild, 25));
            for (; remaining > 0; remaining--)
                family.Add(new Draft(Relation.Grandchild, rng.Chance(520), rng.Between(youngestGrandchild, oldestGrandchild), surname));
            return family;
        }

        // Large young families are rarely many children alone: the head's parents usually live with them.
        if (remaining >= 1 && headAge <= 55 && rng.Chance(remaining switch { >= 4 => 750, >= 2 => 300, _ => 150 }))
        {
            var fatherAge = Math.Min(98, headAge + rng.Between(20, 34));
            var motherAge = Math.Max(headAge + 18, fatherAge - rng.Between(0, 5));
            if (remaining >= 3 && rng.Chance(450))
            {
                family.Add(new Draft(Relation.Parent, true, fatherAge, surname));
                family.Add(new Draft(Relation.Parent, false, motherAge, DemoNames.OtherSurname(rng, surname)));
                remaining -= 2;
            }
            else if (rng.Chance(650))
            {
                family.Add(new Draft(Relation.Parent, false, motherAge, DemoNames.OtherSurname(rng, surname)));
                remaining--;
            }
            else
            {
                family.Add(new Draft(Relation.Parent, true, fatherAge, surname));
                remaining--;
            }
        }

        if (remaining >= 1 && headAge <= 60 && rng.Chance(60))
        {
            family.Add(new Draft(Relation.Sibling, rng.Chance(600), Math.Max(16, headAge + rng.Between(-8, 8)), surname));
            remaining--;
        }

        // Children were born while their younger parent was 18 to 45.
        var oldestChild = parentOfChildren - 18;
        var youngestChild = Math.Max(0, parentOfChildren - 45);
        for (; remaining > 0; remaining--)
            family.Add(new Draft(Relation.Child, rng.Chance(520), rng.Between(youngestChild, oldestChild), surname));
        return family;
    }

    /// <summary>Health and labour capacity that fit the age (as of <see cref="CardDate"/>); poor households carry more illness.</summary>
    private static (HealthStatus, LabourCapacity) HealthAndLabour(DemoRandom rng, int age)
    {
        var roll = rng.Next(1000);
        var health = age switch
        {
            < 18 => roll switch { < 950 => HealthStatus.Healthy, < 975 => HealthStatus.ChronicIllness, < 980 => HealthStatus.SeriousIllness, _ => HealthStatus.Disabled },
            < 60 => roll switch { < 720 => HealthStatus.Healthy, < 870 => HealthStatus.ChronicIllness, < 920 => HealthStatus.SeriousIllness, _ => HealthStatus.Disabled },
            < 70 => roll switch { < 450 => HealthStatus.Healthy, < 830 => HealthStatus.ChronicIllness, < 920 => HealthStatus.SeriousIllness, _ => HealthStatus.Disabled },
            _ => roll switch { < 300 => HealthStatus.Healthy, < 750 => HealthStatus.ChronicIllness, < 880 => HealthStatus.SeriousIllness, _ => HealthStatus.Disabled },
        };

        var r = rng.Next(1000);
        var labour = (age, health) switch
        {
            ( < 16, _) => LabourCapacity.None,
            ( < 18, HealthStatus.Healthy) => r < 800 ? LabourCapacity.None : LabourCapacity.Weak,   // mostly at school
            ( < 18, _) => LabourCapacity.None,
            ( < 60, HealthStatus.Healthy) => r switch { < 120 => LabourCapacity.Skilled, < 850 => LabourCapacity.Normal, _ => LabourCapacity.Weak },
            ( < 60, HealthStatus.ChronicIllness) => r switch { < 250 => LabourCapacity.Normal, < 850 => LabourCapacity.Weak, _ => LabourCapacity.None },
            ( < 60, HealthStatus.SeriousIllness) => r < 700 ? LabourCapacity.None : LabourCapacity.Weak,
            ( < 60, _) => r < 550 ? LabourCapacity.None : LabourCapacity.Weak,
            ( < 70, HealthStatus.Healthy) => r switch { < 150 => LabourCapacity.Normal, < 650 => LabourCapacity.Weak, _ => LabourCapacity.None },
            ( < 70, HealthStatus.ChronicIllness) => r < 300 ? LabourCapacity.Weak : LabourCapacity.None,
            ( < 70, _) => r < 50 ? LabourCapacity.Weak : LabourCapacity.None,
            (_, HealthStatus.Healthy) => r < 200 ? LabourCapacity.Weak : LabourCapacity.None,
            _ => LabourCapacity.None,
        };
        return (health, labour);
    }

    /// <summary>One to three causes, the main one first, weighted by what the household's members suggest.</summary>
    private static short[] PovertyCauses(DemoRandom rng, bool ill, bool disabled, int schoolAge, bool hasLabour, bool skilled)
    {
        Span<int> weights = stackalloc int[Causes.Length];
        foreach (var cause in Causes)
        {
            weights[(int)cause - 1] = cause switch
            {
                PovertyCause.Illness => ill ? 600 : 80,
                PovertyCause.Disability => disabled ? 400 : 10,
                PovertyCause.SchoolingCosts => schoolAge >= 2 ? 250 : schoolAge == 1 ? 90 : 5,
                PovertyCause.LackOfSkills => hasLabour && !skilled ? 220 : 40,
                PovertyCause.LackOfLabour => hasLabour ? 30 : 450,
                PovertyCause.LackOfFunds => 200,
                PovertyCause.LackOfLand => 40,
                PovertyCause.PoorTransport => 40,
                PovertyCause.LackOfDrive => 30,
                _ => 10,
            };
        }

        var count = rng.Next(100) switch { < 45 => 1, < 85 => 2, _ => 3 };
        var result = new short[count];
        for (var k = 0; k < count; k++)
        {
            var total = 0;
            foreach (var w in weights)
                total += w;
            var r = rng.Next(total);
            var pick = 0;
            while (r >= weights[pick])
                r -= weights[pick++];
            result[k] = (short)(pick + 1);
            weights[pick] = 0;
        }

        return result;
    }

    /// <summary>
    /// A valid ID number with this county's region code, unique in the county: the sequence is odd for men and
    /// even for women, stepped through a per-day permutation so numbers do not simply count up, and numbers
    /// already in the database are skipped.
    /// </summary>
    private string NextIdNumber(DateOnly birth, bool male)
    {
        const int perSex = 499;   // sequences 001..997 odd (men) or 002..998 even (women)
        var day = birth.DayNumber - BirthDayBase;
        var slot = 2 * day + (male ? 1 : 0);
        var offset = (int)(DemoRandom.Mix(_seed ^ (ulong)slot * 0x9E3779B97F4A7C15UL ^ (ulong)_countyId) % perSex);
        while (true)
        {
            var k = _idSequencesUsed[slot]++;
            if (k >= perSex)
                throw new InvalidOperationException($"More than {perSex} people of one sex born on {birth:yyyy-MM-dd} in county {_countyId}.");
            var j = (offset + 37 * k) % perSex;
            var number = IdCardNumber.Create(_region, birth, male ? 2 * j + 1 : 2 * j + 2).Value;
            if (!_takenIdNumbers.Contains(number))
                return number;
        }
    }

    // ---------------------------------------------------------------- cadres

    private List<CadreRow> GenerateCadres(List<int>[] needy)
    {
        var rng = Rng("cadres");
        var townCount = _townIds.Length;
        var villageIds = _villageIds;
        var needyOfTown = new double[townCount];
        for (var v = 0; v < needy.Length; v++)
            needyOfTown[_townOfVillage[v]] += needy[v].Count;

        var cadres = new List<CadreRow>();

        // County leaders (县领导): each links a town (挂点) and helps one of its poor villages, no households.
        var townsWithPoor = Enumerable.Range(0, townCount)
            .Where(t => Enumerable.Range(_firstVillageOfTown[t], _villageCountOfTown[t]).Any(v => _poor[v])).ToList();
        rng.Shuffle(townsWithPoor);
        for (var k = 0; k < _figures.CountyLeaders && townsWithPoor.Count > 0; k++)
        {
            var t = townsWithPoor[k % townsWithPoor.Count];
            var poorVillages = Enumerable.Range(_firstVillageOfTown[t], _villageCountOfTown[t]).Where(v => _poor[v]).ToList();
            cadres.Add(Cadre(rng, CadreRank.CountyLeader, rng.Pick(DemoNames.CountyLeaderUnits), t, villageIds[rng.Pick(poorVillages)], 1955));
        }

        // Department level: a handful, in the towns with most households to help.
        var townWeights = needyOfTown.Select(n => (int)n + 1).ToArray();
        var townTotal = townWeights.Sum();
        for (var k = 0; k < _figures.DepartmentLevelCadres; k++)
            cadres.Add(Cadre(rng, CadreRank.DepartmentLevel, rng.Pick(DemoNames.DepartmentUnits), rng.PickWeighted(townWeights, townTotal), null, 1958));

        // Division level: spread over the towns by their households.
        var divisionOfTown = Apportion(_figures.DivisionLevelCadres, needyOfTown.Select(n => n + 1).ToArray(),
            Filled(townCount, 0), Filled(townCount, int.MaxValue));
        for (var t = 0; t < townCount; t++)
        {
            for (var k = 0; k < divisionOfTown[t]; k++)
                cadres.Add(Cadre(rng, CadreRank.DivisionLevel, rng.Pick(DemoNames.DivisionUnits), t, null, 1960));
        }

        // Village-scope ranks: enough quota for every household of the village needing a cadre, plus 5–20%
        // slack, so that whatever the pairings already made, the rest of the village can still be covered.
        for (var v = 0; v < needy.Length; v++)
        {
            var need = needy[v].Count;
            var target = need + Math.Max(1, (int)Math.Ceiling(need * rng.Between(0.05, 0.20)));
            var ranks = new List<CadreRank>();
            var capacity = 0;
            while (capacity < target)
            {
                var rank = rng.Next(1000) switch
                {
                    < 80 => CadreRank.SectionChief,
                    < 230 => CadreRank.DeputySectionChief,
                    < 500 => CadreRank.MiddleManager,
                    _ => CadreRank.OrdinaryStaff,
                };
                ranks.Add(rank);
                capacity += _policy.For(rank).Households;
            }

            ranks.Sort();
            var t = _townOfVillage[v];
            foreach (var rank in ranks)
            {
                var unit = rng.Chance(350)
                    ? _townNames[t] + rng.Pick(DemoNames.TownUnitSuffixes)
                    : DemoNames.CountyUnit(rng);
                cadres.Add(Cadre(rng, rank, unit, t, villageIds[v], 1962));
            }
        }

        for (var i = 0; i < cadres.Count; i++)
            cadres[i].Id = _countyId * Ids.CadreSeqFactor + i + 1;
        return cadres;
    }

    private CadreRow Cadre(DemoRandom rng, CadreRank rank, string unit, int town, long? villageId, int earliestBirthYear)
    {
        var male = rng.Chance(rank <= CadreRank.DivisionLevel ? 820 : 600);
        var birthYear = rng.Between(earliestBirthYear, rank <= CadreRank.DivisionLevel ? 1975 : 1995);
        return new CadreRow
        {
            CountyId = _countyId,
            FullName = DemoNames.Surname(rng) + DemoNames.GivenName(rng, male, birthYear),
            Unit = unit,
            Rank = rank,
            LinkedTownId = _townIds[town],
            LinkedVillageId = villageId,
            Phone = rng.Chance(970) ? DemoNames.MobilePhone(rng) : null,
            Version = 1,
            CreateTime = _now,
            UpdateTime = _now,
        };
    }

    // ---------------------------------------------------------------- pairings

    private List<PairingRow> GeneratePairings(List<int>[] needy, List<CadreRow> cadres, List<HouseholdRecord> households)
    {
        var rng = Rng("pairings");
        var villageCount = needy.Length;
        var villageIds = _villageIds;
        var villageIndex = new Dictionary<long, int>(villageCount);
        for (var v = 0; v < villageCount; v++)
            villageIndex[villageIds[v]] = v;

        // About 10% of the households needing a cadre are left without one: a little everywhere, and a few
        // lagging villages with a third or more of theirs still open.
        var totalNeedy = needy.Sum(n => n.Count);
        var gapWeights = new double[villageCount];
        for (var v = 0; v < villageCount; v++)
            gapWeights[v] = needy[v].Count * (rng.Chance(80) ? rng.Between(0.25, 0.45) : rng.Between(0.03, 0.12));
        var unpaired = Apportion((int)Math.Round(totalNeedy * DemoCountyFigures.UnpairedShare, MidpointRounding.AwayFromZero),
            gapWeights, Filled(villageCount, 0), needy.Select(n => n.Count).ToArray());

        var open = new List<int>[villageCount];   // households still to pair, per village
        for (var v = 0; v < villageCount; v++)
        {
            var list = new List<int>(needy[v]);
            rng.Shuffle(list);
            open[v] = list.GetRange(unpaired[v], list.Count - unpaired[v]);
        }

        var assignments = new List<(int Cadre, int Household)>();

        // Town-scope leaders take their full quota, a few households in one or two villages of their town.
        for (var c = 0; c < cadres.Count; c++)
        {
            var rule = _policy.For(cadres[c].Rank);
            if (rule.Scope != PairingScope.Town)
                continue;
            var t = Array.IndexOf(_townIds, cadres[c].LinkedTownId);
            var quota = rule.Households;
            while (quota > 0)
            {
                var weights = new int[_villageCountOfTown[t]];
                var total = 0;
                for (var k = 0; k < weights.Length; k++)
                    total += weights[k] = open[_firstVillageOfTown[t] + k].Count;
                if (total == 0)
                    break;
                var v = _firstVillageOfTown[t] + rng.PickWeighted(weights, total);
                var take = Math.Min(quota, open[v].Count);
                for (var k = 0; k < take; k++)
                {
                    assignments.Add((c, open[v][^1]));
                    open[v].RemoveAt(open[v].Count - 1);
                }

                quota -= take;
            }
        }

        // Village-scope cadres share the rest of their village: everyone takes one, then those with room a
        // second, and so on, so the spare quota sits with the higher ranks.
        var villageCadres = new List<int>[villageCount];
        for (var v = 0; v < villageCount; v++)
            villageCadres[v] = [];
        for (var c = 0; c < cadres.Count; c++)
        {
            if (_policy.For(cadres[c].Rank).Scope == PairingScope.Village)
                villageCadres[villageIndex[cadres[c].LinkedVillageId!.Value]].Add(c);
        }

        for (var v = 0; v < villageCount; v++)
        {
            var list = villageCadres[v];
            rng.Shuffle(list);
            var next = 0;
            for (var round = 1; next < open[v].Count; round++)
            {
                var took = false;
                foreach (var c in list)
                {
                    if (next == open[v].Count)
                        break;
                    if (_policy.For(cadres[c].Rank).Households < round)
                        continue;
                    assignments.Add((c, open[v][next++]));
                    took = true;
                }

                if (!took)
                    throw new InvalidOperationException($"Village {villageIds[v]} has more households to pair than its cadres' quota.");
            }
        }

        // Most pairs were made in the weeks after the launch meeting, the rest over the campaign to 2020.
        var yesterday = _today.AddDays(-1);
        var dated = new List<(DateOnly Start, long Household, int Cadre)>(assignments.Count);
        foreach (var (c, h) in assignments)
        {
            var roll = rng.Next(1000);
            var start = roll switch
            {
                < 600 => CampaignLaunch.AddDays(rng.Next(52)),
                < 850 => new DateOnly(2016, 5, 1).AddDays(rng.Next(245)),
                _ => new DateOnly(2017, 1, 1).AddDays(rng.Next(CampaignEnd.DayNumber - new DateOnly(2017, 1, 1).DayNumber + 1)),
            };
            if (start > yesterday)
                start = yesterday;
            dated.Add((start, households[h].Household.Id, c));
            households[h].Household.IsPaired = true;
            cadres[c].ActivePairings++;
        }

        dated.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Household.CompareTo(b.Household));
        var pairings = new List<PairingRow>(dated.Count);
        var cardYear = 0;
        var cardSeq = 0;
        for (var i = 0; i < dated.Count; i++)
        {
            var (start, household, c) = dated[i];
            if (start.Year != cardYear)
            {
                cardYear = start.Year;
                cardSeq = 0;
            }

            cardSeq++;
            pairings.Add(new PairingRow
            {
                Id = _countyId * Ids.PairingSeqFactor + i + 1,
                CountyId = _countyId,
                CadreId = cadres[c].Id,
                HouseholdId = household,
                ContactCardNumber = string.Create(CultureInfo.InvariantCulture, $"{_countyId}-{start.Year}-{cardSeq:D6}"),
                StartDate = start,
                CreateTime = _now,
            });
        }

        return pairings;
    }

    private List<IdCounterRow> Counters(List<CadreRow> cadres, List<PairingRow> pairings)
    {
        var counters = new List<IdCounterRow>
        {
            new() { CountyId = _countyId, Kind = "cadre", Next = cadres.Count + 1 },
            new() { CountyId = _countyId, Kind = "pairing", Next = pairings.Count + 1 },
        };
        foreach (var year in pairings.GroupBy(p => p.StartDate.Year).OrderBy(g => g.Key))
            counters.Add(new IdCounterRow { CountyId = _countyId, Kind = $"card:{year.Key}", Next = year.Count() + 1 });
        return counters;
    }

    // ---------------------------------------------------------------- helpers

    private static string UniqueName(DemoRandom rng, HashSet<string> used, string suffix)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = DemoNames.PlaceName(rng) + suffix;
            if (attempt > 1000)
                name = DemoNames.PlaceName(rng) + DemoNames.PlaceName(rng) + suffix;
            if (used.Add(name))
                return name;
        }
    }

    private static int[] Filled(int count, int value)
    {
        var a = new int[count];
        Array.Fill(a, value);
        return a;
    }

    /// <summary>
    /// Splits <paramref name="total"/> in proportion to <paramref name="weights"/> within per-item bounds
    /// (largest remainders, ties to the lower index), so the parts add up exactly.
    /// </summary>
    internal static int[] Apportion(int total, double[] weights, int[] min, int[] max)
    {
        var n = weights.Length;
        var result = (int[])min.Clone();
        long rest = total - result.Sum(x => (long)x);
        if (rest < 0 || total > max.Sum(x => (long)x))
            throw new ArgumentOutOfRangeException(nameof(total), total, "Cannot be split within the given bounds.");

        while (rest > 0)
        {
            var weightOfOpen = 0.0;
            for (var i = 0; i < n; i++)
            {
                if (result[i] < max[i])
                    weightOfOpen += weights[i];
            }

            if (weightOfOpen <= 0)
            {
                for (var i = 0; i < n && rest > 0; i++)
                {
                    var add = (int)Math.Min(rest, max[i] - result[i]);
                    result[i] += add;
                    rest -= add;
                }

                break;
            }

            var given = 0L;
            var fractions = new List<(double Fraction, int Index)>();
            for (var i = 0; i < n; i++)
            {
                if (result[i] >= max[i] || weights[i] <= 0)
                    continue;
                var share = rest * weights[i] / weightOfOpen;
                var whole = Math.Floor(share);
                var add = (int)Math.Min(whole, max[i] - result[i]);
                result[i] += add;
                given += add;
                if (result[i] < max[i])
                    fractions.Add((share - whole, i));
            }

            rest -= given;
            if (given == 0)
            {
                fractions.Sort((a, b) => a.Fraction != b.Fraction ? b.Fraction.CompareTo(a.Fraction) : a.Index.CompareTo(b.Index));
                foreach (var (_, i) in fractions)
                {
                    if (rest == 0)
                        break;
                    result[i]++;
                    rest--;
                }
            }
        }

        return result;
    }
}
