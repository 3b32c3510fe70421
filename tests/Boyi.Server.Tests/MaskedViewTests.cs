using System.Reflection;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Access;
using Boyi.Domain.Validation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;

namespace Boyi.Server.Tests;

/// <summary>
/// What a caller without the personal-data permission can read of a person must not give the ID-card number or
/// phone back: counted, over many generated people read through the real server, as the valid numbers consistent
/// with everything read.
/// </summary>
public sealed class MaskedViewTests(CountyFixture s) : IClassFixture<CountyFixture>
{
    private const int Enough = 10_000;
    private const int Seed = 20_261_205;   // fixed, so a failure can be replayed
    private static readonly string[] OtherRegions = ["110105", "310101", "440305", "650102", "540102", "820000"];

    private string Village => s.County.Towns[0].Villages[0];
    private string County => s.County.Name;

    [Fact]
    public async Task AMaskedReader_CannotNarrowAnIdCardNumberOrPhone_BelowTenThousandCandidates()
    {
        var rng = new Random(Seed);
        var today = ChinaTime.Today(TimeProvider.System);
        var people = GeneratePeople(rng, today, 200);
        Assert.Contains(people, p => p.Number[^1] == 'X');
        Assert.Contains(people, p => p.Sequence % 2 == 0);
        Assert.Contains(people, p => p.Sequence % 2 == 1);
        var households = new List<(Household Created, Household Input)>();
        foreach (var chunk in people.Chunk(5))
        {
            var input = NewHousehold(chunk, RandomPhone(rng));
            households.Add(((await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = Village, Household = input })).Household, input));
        }

        using var reader = await ClientAsync(Scopes.HouseholdsRead);
        var client = new HouseholdService.HouseholdServiceClient(reader);
        var listed = new Dictionary<string, Household>();
        var token = "";
        do
        {
            var page = await client.ListHouseholdsAsync(new ListHouseholdsRequest { Parent = Village, PageSize = 17, PageToken = token });
            foreach (var h in page.Households)
                listed[h.Name] = h;
            token = page.NextPageToken;
        } while (token != "");
        var exported = new Dictionary<string, Household>();
        using (var export = client.ExportHouseholds(new ExportHouseholdsRequest { Parent = County }))
        {
            await foreach (var batch in export.ResponseStream.ReadAllAsync())
                foreach (var h in batch.Households)
                    exported[h.Name] = h;
        }

        var counted = 0;
        foreach (var (created, input) in households)
        {
            var read = (await client.GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name })).Household;
            // Every way of reading it answers the same masked view: no call shows more than another.
            Assert.Equal(read, listed[created.Name]);
            Assert.Equal(read, exported[created.Name]);
            Assert.Equal(read.Members, created.Members);

            var registered = ChinaTime.DateOf(read.CreateTime.ToDateTime());
            Assert.True(CountPhoneCandidates(read.Phone) >= Enough, $"phone {input.Phone} read as {read.Phone}");
            foreach (var member in read.Members)
            {
                var number = input.Members[member.MemberId - 1].IdCardNumber;
                var id = IdCardNumber.Parse(number, today);
                // The reader is granted the region and the sex; the rest is what was answered.
                var candidates = CountIdCardCandidates(member.IdCardNumber, id.RegionCode, id.IsMale, member.BirthDate, registered);
                Assert.True(candidates >= Enough,
                    $"{number} (registered {registered}) read as {member.IdCardNumber} born {member.BirthDate}: {candidates} candidates");
                counted++;
            }
        }
        Assert.Equal(people.Count, counted);
    }

    /// <summary>
    /// The server registers households today; the masked birth date must hold whatever day of the year that is (a
    /// child born on 3 January of a household registered on 10 January is the hard case), so the same count runs
    /// here on the masking itself for registration days across a year.
    /// </summary>
    [Theory]
    [InlineData("2027-01-01")]
    [InlineData("2027-01-10")]
    [InlineData("2027-03-01")]
    [InlineData("2028-02-29")]
    [InlineData("2027-08-07")]
    [InlineData("2027-12-31")]
    public void TheMaskedBirthDate_Holds_WhateverDayTheHouseholdWasRegistered(string registeredOn)
    {
        var registered = DateOnly.Parse(registeredOn, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var person in GeneratePeople(new Random(Seed + registered.DayNumber), registered, 40))
        {
            var number = person.Number;
            var year = PersonalDataMask.BirthYear(person.Birth, registered);
            var candidates = CountIdCardCandidates(PersonalDataMask.IdCard(number), person.Region, person.Sequence % 2 == 1,
                year is { } y ? new Google.Type.Date { Year = y } : null, registered);
            Assert.True(candidates >= Enough, $"{number} registered {registered}, year {year}: {candidates} candidates");
        }
    }

    [Fact]
    public async Task AMaskedReader_CannotNarrowACadresPhone_BelowTenThousandCandidates()
    {
        var rng = new Random(Seed + 1);
        var phones = Enumerable.Range(0, 12).Select(_ => RandomPhone(rng)).ToList();
        foreach (var phone in phones)
        {
            await s.Cadres.CreateCadreAsync(new CreateCadreRequest
            {
                Parent = County,
                Cadre = new Cadre { FullName = "覃干部", Unit = "县民政局", Rank = CadreRank.OrdinaryStaff, LinkedTown = s.County.Towns[0].Name, LinkedVillage = Village, Phone = phone },
            });
        }

        using var reader = await ClientAsync(Scopes.CadresRead);
        var cadres = (await new CadreService.CadreServiceClient(reader).ListCadresAsync(new ListCadresRequest { Parent = County, PageSize = 500 })).Cadres;
        var shown = cadres.Select(c => c.Phone).Where(p => p != "").ToList();
        Assert.Equal(phones.Count, shown.Count);
        Assert.All(shown, p => Assert.True(CountPhoneCandidates(p) >= Enough, p));
    }

    [Fact]
    public async Task AReaderWithThePermission_AskingFull_GetsTheWholeNumberAndDate_AndIsAudited()
    {
        var today = ChinaTime.Today(TimeProvider.System);
        var people = GeneratePeople(new Random(Seed + 2), today, 5, edgeCases: false);
        var input = NewHousehold(people, "0775-8221234");
        var created = (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = Village, Household = input })).Household;

        using var channel = await ClientAsync(Scopes.HouseholdsRead, Scopes.PersonalData);
        var full = (await new HouseholdService.HouseholdServiceClient(channel).GetHouseholdAsync(new GetHouseholdRequest
        {
            Name = created.Name, PersonalDataView = PersonalDataView.Full, PersonalDataReason = "核对户籍信息",
        })).Household;

        Assert.Equal("0775-8221234", full.Phone);
        Assert.Equal(input.Members.Select(m => m.IdCardNumber), full.Members.Select(m => m.IdCardNumber));
        Assert.Equal(input.Members.Select(m => Wire(IdCardNumber.Parse(m.IdCardNumber, today).BirthDate)), full.Members.Select(m => m.BirthDate));
        var row = Assert.Single(await AuditRows.WhereAsync(s, "action = 'personal_data.unmask' AND object = $1", created.Name));
        Assert.Equal(("client", "ok"), (row.ActorKind, row.Outcome));
        Assert.Contains("核对户籍信息", row.Detail);
    }

    [Fact]
    public async Task AMaskedCard_SentBackEdited_KeepsEveryNumberAndBirthDate()
    {
        var today = ChinaTime.Today(TimeProvider.System);
        // The edge cases of the masked birth date: shown as a year, and not shown at all.
        var people = new List<Person>
        {
            new("450923", new DateOnly(1958, 2, 28), 37),
            new("450923", today, 2),
            new("110105", new DateOnly(today.Year - 1, 1, 1), 901),
            new("450923", new DateOnly(today.Year - 2, 12, 31), 18),
        };
        var input = NewHousehold(people, "13977001234");
        var created = (await s.Households.CreateHouseholdAsync(new CreateHouseholdRequest { Parent = Village, Household = input })).Household;

        using var channel = await ClientAsync(Scopes.HouseholdsRead, Scopes.HouseholdsWrite);
        var client = new HouseholdService.HouseholdServiceClient(channel);
        var masked = (await client.GetHouseholdAsync(new GetHouseholdRequest { Name = created.Name })).Household;
        Assert.Equal([1958, 0, 0, today.Year - 2], masked.Members.Select(m => m.BirthDate?.Year ?? 0));
        Assert.All(masked.Members, m => Assert.True(m.BirthDate is null || (m.BirthDate.Month, m.BirthDate.Day) == (0, 0)));

        masked.Members[2].FullName = "陈改名";
        var updated = (await client.UpdateHouseholdAsync(new UpdateHouseholdRequest
        {
            Household = masked, UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "members", "phone" } },
        })).Household;
        Assert.Equal(masked.Members.Select(m => (m.IdCardNumber, m.BirthDate)), updated.Members.Select(m => (m.IdCardNumber, m.BirthDate)));

        var full = await Api.FullAsync(s, created.Name);
        Assert.Equal("13977001234", full.Phone);
        Assert.Equal(input.Members.Select(m => m.IdCardNumber), full.Members.Select(m => m.IdCardNumber));
        Assert.Equal(people.Select(p => Wire(p.Birth)), full.Members.Select(m => m.BirthDate));
        Assert.Equal("陈改名", full.Members[2].FullName);
    }

    /// <summary>
    /// Every field that could say something of a person's number, birth or phone, in every message of the API: only
    /// these, each masked by <see cref="PersonalDataMask"/> in answers (or a request's input). A new one fails here
    /// until it is masked and added.
    /// </summary>
    [Fact]
    public void OnlyTheKnownFields_CarryNumbersBirthDatesOrPhones()
    {
        string[] words = ["card", "birth", "born", "phone", "mobile", "tel", "gender", "sex", "age", "ethnicity", "identity"];
        var found = typeof(Household).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(Household).Namespace && typeof(IMessage).IsAssignableFrom(t) && !t.IsAbstract)
            .Select(t => (MessageDescriptor)t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .SelectMany(m => m.Fields.InDeclarationOrder().Select(f => (Message: m.Name, Field: f.Name)))
            .Where(x => x.Field.Split('_').Intersect(words).Any())
            .Select(x => $"{x.Message}.{x.Field}")
            .Order().ToList();

        Assert.Equal(new[]
        {
            "Cadre.phone",
            "Enterprise.contact_phone",
            "HouseholdMember.birth_date",
            "HouseholdMember.id_card_number",
            "Pairing.contact_card_number",   // the serial number printed on a pairing's contact card: nobody's personal data
            "ContactCardIssue.contact_card_number",   // the same serial number, on the record that the card was handed out
            "Household.phone",
        }.Order(), found);
    }

    /// <summary>
    /// The valid GB 11643 numbers consistent with what a masked reader has: the masked number, the birth year or its
    /// absence, the sex (granted), the region (granted), and that the person was born by the household's registration.
    /// Counted by enumerating every birth date and sequence number and computing each check character.
    /// </summary>
    private static int CountIdCardCandidates(string masked, string region, bool male, Google.Type.Date? birth, DateOnly registered)
    {
        // The model of what is shown must be complete: anything else in the masked number would be information too.
        Assert.Equal(18, masked.Length);
        Assert.Equal(region[0], masked[0]);
        Assert.Equal(new string('*', 16), masked[1..17]);
        Assert.True(birth is null || (birth.Year > 0 && birth.Month == 0 && birth.Day == 0), $"a masked birth date shows at most the year: {birth}");

        // With no year shown, the reader knows the rule: born in the year before registration or later.
        var from = birth is { Year: > 0 } ? new DateOnly(birth.Year, 1, 1) : new DateOnly(registered.Year - 1, 1, 1);
        var to = birth is { Year: > 0 } ? new DateOnly(birth.Year, 12, 31) : registered;
        if (to > registered)
            to = registered;
        if (from < IdCardNumber.EarliestBirthDate)
            from = IdCardNumber.EarliestBirthDate;

        Span<char> first17 = stackalloc char[17];
        region.AsSpan().CopyTo(first17);
        var count = 0;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            d.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture).AsSpan().CopyTo(first17[6..]);
            for (var seq = male ? 1 : 0; seq < 1000; seq += 2)
            {
                first17[14] = (char)('0' + seq / 100);
                first17[15] = (char)('0' + seq / 10 % 10);
                first17[16] = (char)('0' + seq % 10);
                if (IdCardNumber.ComputeCheckCharacter(first17) == masked[17])
                    count++;
            }
        }
        return count;
    }

    /// <summary>The valid phones (as the server normalises them) that mask to <paramref name="masked"/>: every digit string in place of the stars.</summary>
    private static int CountPhoneCandidates(string masked)
    {
        var stars = masked.Count(c => c == '*');
        var count = 0;
        var chars = masked.ToCharArray();
        for (var fill = 0; fill < (int)Math.Pow(10, stars); fill++)
        {
            var f = fill;
            for (var i = chars.Length - 1; i >= 0; i--)
            {
                if (masked[i] != '*')
                    continue;
                chars[i] = (char)('0' + f % 10);
                f /= 10;
            }
            var candidate = new string(chars);
            if (PhoneNumber.TryNormalize(candidate, out var normalized, out _) && normalized == candidate && PersonalDataMask.Phone(candidate) == masked)
                count++;
        }
        return count;
    }

    private sealed record Person(string Region, DateOnly Birth, int Sequence)
    {
        public string Number => IdCardNumber.Create(Region, Birth, Sequence).Value;
    }

    /// <summary>
    /// Random people: both sexes, regions of this county and elsewhere, births from 1900 to today with more of them in
    /// the last three years (where the masked birth date changes form), leap days and check characters X; with
    /// <paramref name="edgeCases"/> first the fixed edge cases of dates.
    /// </summary>
    private static List<Person> GeneratePeople(Random rng, DateOnly today, int count, bool edgeCases = true)
    {
        List<Person> people = !edgeCases ? [] :
        [
            new("450923", new DateOnly(2000, 2, 29), 1),
            new("450923", new DateOnly(1904, 2, 29), 2),
            new("450923", IdCardNumber.EarliestBirthDate, 3),
            new("450923", today, 4),
            new("450923", new DateOnly(today.Year, 1, 1), 5),
            new("450923", new DateOnly(today.Year - 1, 1, 1), 6),
            new("450923", new DateOnly(today.Year - 1, 12, 31), 7),
            new("450923", new DateOnly(today.Year - 2, 12, 31), 8),
            new("450923", new DateOnly(today.Year - 2, 1, 1), 9),
        ];
        var span = today.DayNumber - IdCardNumber.EarliestBirthDate.DayNumber;
        while (people.Count < count)
        {
            var region = rng.Next(4) == 0 ? OtherRegions[rng.Next(OtherRegions.Length)] : "450923";
            var birth = rng.Next(3) == 0
                ? today.AddDays(-rng.Next(3 * 366))
                : IdCardNumber.EarliestBirthDate.AddDays(rng.Next(span + 1));
            if (rng.Next(10) == 0 && DateTime.IsLeapYear(birth.Year) && new DateOnly(birth.Year, 2, 29) <= today)
                birth = new DateOnly(birth.Year, 2, 29);
            var sequence = rng.Next(1000);
            if (rng.Next(8) == 0)   // one in 8 with check character X (one in 11 of all numbers would have it anyway)
                sequence = Enumerable.Range(0, 1000).Select(q => (sequence + q) % 1000).First(q => IdCardNumber.Create(region, birth, q).Value[^1] == 'X');
            var person = new Person(region, birth, sequence);
            if (people.All(p => p.Number != person.Number))
                people.Add(person);
        }
        return people;
    }

    private static Household NewHousehold(IReadOnlyList<Person> members, string phone)
    {
        var h = new Household { Phone = phone, PerCapitaIncomeFen = 250_000, HasLabourCapacity = true };
        h.PovertyCauses.Add(PovertyCause.Illness);
        for (var i = 0; i < members.Count; i++)
        {
            h.Members.Add(new HouseholdMember
            {
                FullName = $"黄测试{i + 1}",
                Relation = i == 0 ? Relation.Head : Relation.Child,
                IdCardNumber = members[i].Number,
                Health = HealthStatus.Healthy,
                LabourCapacity = LabourCapacity.Normal,
            });
        }
        return h;
    }

    /// <summary>A mobile (any prefix 13–19), or a landline with a 7- or 8-digit local number.</summary>
    private static string RandomPhone(Random rng) => rng.Next(3) switch
    {
        0 => $"1{rng.Next(3, 10)}{rng.Next(1_000_000_000):D9}",
        1 => $"0775-{rng.Next(2_000_000, 10_000_000)}",
        _ => $"{(rng.Next(2) == 0 ? "010" : "020")}-{rng.Next(20_000_000, 100_000_000)}",
    };

    private static Google.Type.Date Wire(DateOnly d) => new() { Year = d.Year, Month = d.Month, Day = d.Day };

    private async Task<GrpcChannel> ClientAsync(params string[] scopes)
    {
        var (id, secret) = await TestAuth.RegisterClientAsync(s.Services, scopes);
        return TestAuth.Channel(s.GrpcAddress, (await TestAuth.RequestTokenAsync(s.HttpAddress, id, secret)).AccessToken);
    }
}
