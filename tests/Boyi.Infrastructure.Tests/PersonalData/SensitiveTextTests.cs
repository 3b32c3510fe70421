using Boyi.Domain.Validation;
using Boyi.Infrastructure.PersonalData;

namespace Boyi.Infrastructure.Tests.PersonalData;

public class SensitiveTextTests
{
    private static readonly string Id = IdCardNumber.Create("450923", new DateOnly(1990, 1, 1), 123).Value;
    private static readonly string IdWithX = Enumerable.Range(0, 1000)
        .Select(s => IdCardNumber.Create("110105", new DateOnly(1949, 10, 1), s).Value).First(v => v[^1] == 'X');
    private static readonly string BadChecksum = Id[..17] + (Id[17] == '0' ? '1' : '0');

    public static TheoryData<string> TextsWithTheId() =>
    [
        "{0}",
        "身份证号{0}已登记",
        "member id_card_number={0} saved",
        "{{\"fullName\":\"张三\",\"idCardNumber\":\"{0}\"}}",
        "GET /v1/households?id_card={0}&page_size=10 HTTP/2",
        "https://example.gov.cn/members/{0}/card",
        "q=%7B%22id%22%3A%22{0}%22%7D",
        "{{\"detail\":\"{{\\u0022id\\u0022:\\u0022{0}\\u0022}}\"}}",
        "value '{0}'.",
        "id_{0}_x",
        "(身份证：{0}）",
    ];

    [Theory]
    [MemberData(nameof(TextsWithTheId))]
    public void Finds_ID_card_numbers_in_text_json_and_urls(string format)
    {
        Assert.Equal([Id], SensitiveText.FindIdCardNumbers(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, Id)));
    }

    [Fact]
    public void A_number_born_in_the_future_is_nobodys_so_tick_counts_are_not_reported()
    {
        // An OpenID Connect nonce as the authority logs it: .NET ticks, a dot, base64. These ticks read as region 639315,
        // born 3945-08-26; with the check character right they passed as an ID-card number and failed a log scan.
        var ticks = IdCardNumber.Create("639315", new DateOnly(3945, 8, 26), 514).Value;
        Assert.Empty(SensitiveText.FindIdCardNumbers($"\"nonce\": \"{ticks}.ZWQ2ZmI5NDUtMWE1ZC00\""));
        var bornToday = IdCardNumber.Create("450923", DateOnly.FromDateTime(DateTime.UtcNow), 1).Value;
        Assert.Equal([bornToday], SensitiveText.FindIdCardNumbers($"\"nonce\": \"{bornToday}.ZWQ2ZmI5NDUtMWE1ZC00\""));
    }

    [Fact]
    public void Finds_numbers_ending_in_X_either_case_and_several_in_one_text()
    {
        var lower = IdWithX.ToLowerInvariant();
        Assert.Equal([IdWithX, lower, Id], SensitiveText.FindIdCardNumbers($"{IdWithX},{lower};{Id}"));
    }

    [Theory]
    [InlineData("masked")]
    [InlineData("bad checksum")]
    [InlineData("bad date")]
    [InlineData("bad region")]
    [InlineData("too long")]
    [InlineData("too short")]
    [InlineData("glued to letters")]
    [InlineData("X then digit")]
    public void Ignores_what_is_not_a_full_valid_number(string kind)
    {
        var text = kind switch
        {
            "masked" => $"id {PersonalDataMask.IdCard(Id)} and {Id[..6]}********{Id[14..]} and {Id[..10]}****{Id[14..]}",
            "bad checksum" => $"id {BadChecksum}",
            "bad date" => $"id {WithCheck("45092319901301123")} {WithCheck("45092319000229123")} {WithCheck("45092318991231123")}",
            "bad region" => $"id {WithCheck("99092319900101123")}",
            "too long" => $"n={Id}1 n=9{Id}",
            "too short" => $"n={Id[..17]}",
            "glued to letters" => $"id{Id} {Id}abc trace=a{Id}f",
            "X then digit" => $"{IdWithX}1",
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        Assert.Empty(SensitiveText.FindIdCardNumbers(text));
    }

    [Fact]
    public void Accepts_any_real_birth_date_including_recent_ones()
    {
        var baby = IdCardNumber.Create("450923", DateOnly.FromDateTime(DateTime.Today), 2).Value;
        Assert.Equal([baby], SensitiveText.FindIdCardNumbers($"new member {baby}"));
    }

    [Theory]
    [InlineData("13812345678", "13812345678")]
    [InlineData("电话13812345678。", "13812345678")]
    [InlineData("{\"phone\":\"19912345678\"}", "19912345678")]
    [InlineData("tel=+8613812345678&x=1", "13812345678")]
    [InlineData("tel: +86 13812345678", "13812345678")]
    [InlineData("008613812345678", "13812345678")]
    [InlineData("8613812345678", "13812345678")]
    [InlineData("call 138-1234-5678 now", "138-1234-5678")]
    [InlineData("call 138 1234 5678 now", "138 1234 5678")]
    [InlineData("p=%2215912345678%22", "15912345678")]
    [InlineData("phone_13812345678", "13812345678")]
    public void Finds_mobile_phones(string text, string expected) =>
        Assert.Equal([expected], SensitiveText.FindMobilePhones(text));

    [Theory]
    [InlineData("138****5678")]
    [InlineData("12812345678")]          // no such mobile prefix
    [InlineData("23812345678")]
    [InlineData("138123456789")]         // 12 digits
    [InlineData("91381234567")]
    [InlineData("1381234567")]           // 10 digits
    [InlineData("tel13812345678")]       // glued to letters
    [InlineData("a13812345678f")]        // inside hex
    [InlineData("138-1234 5678")]        // mixed separators
    [InlineData("0775-8221234")]         // landline
    [InlineData("households/45092310120100001")]
    [InlineData("1713812345678")]        // epoch milliseconds
    public void Ignores_what_is_not_a_mobile_number(string text) =>
        Assert.Empty(SensitiveText.FindMobilePhones(text));

    [Fact]
    public void A_phone_inside_an_ID_card_number_is_not_reported()
    {
        var id = IdCardNumber.Create("450923", new DateOnly(1990, 1, 1), 138).Value;
        Assert.Empty(SensitiveText.FindMobilePhones($"id {id} {Id} {IdWithX}"));
    }

    [Fact]
    public void Finds_both_in_a_log_line_and_nothing_in_its_masked_form()
    {
        var line = $"2026-03-01T10:00:00Z info import row 7 {{\"id\":\"{Id}\",\"phone\":\"13812345678\",\"trace\":\"4bf92f3577b34da6a3ce929d0e0e4736\"}}";
        var masked = $"2026-03-01T10:00:00Z info import row 7 {{\"id\":\"{PersonalDataMask.IdCard(Id)}\",\"phone\":\"{PersonalDataMask.Phone("13812345678")}\"}}";

        Assert.Equal([Id], SensitiveText.FindIdCardNumbers(line));
        Assert.Equal(["13812345678"], SensitiveText.FindMobilePhones(line));
        Assert.Empty(SensitiveText.FindIdCardNumbers(masked));
        Assert.Empty(SensitiveText.FindMobilePhones(masked));
    }

    [Fact]
    public void Random_hex_and_base64_do_not_trip_the_scanners()
    {
        var random = new Random(20260301);
        var hits = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            var text = $"trace={Convert.ToHexStringLower(bytes)} span={Guid.NewGuid()} token={Convert.ToBase64String(bytes)}";
            hits += SensitiveText.FindIdCardNumbers(text).Count() + SensitiveText.FindMobilePhones(text).Count();
        }
        Assert.Equal(0, hits);
    }

    private static string WithCheck(string first17) => first17 + IdCardNumber.ComputeCheckCharacter(first17);
}
