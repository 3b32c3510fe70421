namespace Boyi.Infrastructure.Seeding;

/// <summary>Name pools for the demo county: people, places, work units and phone numbers.</summary>
internal static class DemoNames
{
    /// <summary>Bobai's 28 towns (镇), in the order their codes are given (county × 1000 + 101…).</summary>
    public static readonly string[] BobaiTowns =
    [
        "博白镇", "水鸣镇", "那林镇", "江宁镇", "三滩镇", "黄凌镇", "亚山镇", "旺茂镇", "东平镇", "沙河镇",
        "菱角镇", "新田镇", "凤山镇", "宁潭镇", "文地镇", "英桥镇", "那卜镇", "大垌镇", "沙陂镇", "双凤镇",
        "顿谷镇", "径口镇", "松旺镇", "龙潭镇", "大坝镇", "永安镇", "双旺镇", "浪平镇",
    ];

    /// <summary>The village the article visits: 顿谷镇旧门村, a poor village with a chili cooperative.</summary>
    public const string ArticleTown = "顿谷镇";
    public const string ArticleVillage = "旧门村";

    // Common surnames of south-east Guangxi (Yulin, Bobai) with rough relative frequencies.
    private static readonly (string Surname, int Weight)[] SurnameTable =
    [
        ("陈", 140), ("李", 90), ("黄", 90), ("王", 90), ("刘", 85), ("梁", 70), ("张", 50), ("庞", 50),
        ("林", 40), ("钟", 40), ("朱", 40), ("吴", 40), ("何", 30), ("罗", 30), ("杨", 30), ("周", 20),
        ("邓", 20), ("冯", 20), ("莫", 20), ("韦", 20), ("谢", 20), ("曾", 20), ("赖", 20), ("苏", 20),
        ("温", 12), ("徐", 12), ("潘", 12), ("廖", 12), ("宁", 10), ("彭", 10), ("邱", 10), ("叶", 10),
        ("龙", 8), ("卢", 8), ("揭", 6), ("凌", 6), ("丘", 6), ("麦", 6),
    ];

    public static readonly string[] Surnames = SurnameTable.Select(s => s.Surname).ToArray();
    public static readonly int[] SurnameWeights = SurnameTable.Select(s => s.Weight).ToArray();
    public static readonly int SurnameTotal = SurnameWeights.Sum();

    // Given-name characters by sex and generation: names follow fashions, so a grandmother is
    // 秀英 or 桂兰 and her granddaughter 欣怡 or 梓涵.
    private static readonly string[] MaleOld = Chars("德福贵才有成文明华荣富光国振家祖兴胜昌金炳树进发汉茂寿生桂善庆益");
    private static readonly string[] MaleMiddle = Chars("伟强军勇海平建志东辉斌波剑锋健林峰杰春刚忠新永立红卫彬松权");
    private static readonly string[] MaleYoung = Chars("浩宇俊杰鹏涛轩子博睿晨阳然泽豪瑞铭航凯文思嘉逸宏明煜宸诚");
    private static readonly string[] FemaleOld = Chars("秀英兰珍凤桂玉金梅群娣妹莲芳香菊花琼月彩爱娥翠");
    private static readonly string[] FemaleMiddle = Chars("丽芳红艳霞燕萍玲敏华娟静琴云英梅春冬雪慧丹凤萍洁");
    private static readonly string[] FemaleYoung = Chars("欣怡婷雨涵思佳琪梓萱诗晴悦颖雅琳妍可嘉彤语心馨");

    public static string[] GivenNameChars(bool male, int birthYear) => (male, birthYear) switch
    {
        (true, < 1960) => MaleOld,
        (true, < 1990) => MaleMiddle,
        (true, _) => MaleYoung,
        (false, < 1960) => FemaleOld,
        (false, < 1990) => FemaleMiddle,
        (false, _) => FemaleYoung,
    };

    // Place-name parts common in the region: 那 (paddy, from Zhuang), 垌 (field in a valley), 坡, 塘, 岭…
    public static readonly string[] PlaceFirst = Chars("大小新石六那江长高东西南北上下平龙凤马牛白黄青田山水荔竹松桥木沙三双五元坡旺茂绿文英福");
    public static readonly string[] PlaceSecond = Chars("塘坡岭垌山湾江田岸头冲寨坑桥屋园陂湖洞石河口岗良安和平旺兴华丰富埇窝边");

    public static readonly string[] CountyLeaderUnits = ["县委", "县人大常委会", "县人民政府", "县政协", "县纪委监委"];

    public static readonly string[] DepartmentUnits = ["县委", "县人民政府", "自治区驻县工作队", "市直机关驻县工作队"];

    public static readonly string[] DivisionUnits =
    [
        "县委办公室", "县人民政府办公室", "县委组织部", "县委宣传部", "县委统战部", "县委政法委", "县人大常委会",
        "县政协", "县纪委监委", "县人民法院", "县人民检察院", "县人武部", "县委党校",
    ];

    // County work units with rough relative head counts: hospitals, schools and the police are large, the
    // weather bureau is small.
    private static readonly (string Unit, int Weight)[] CountyUnitTable =
    [
        ("县人民医院", 60), ("县公安局", 40), ("县高级中学", 40), ("县中医医院", 30), ("县教育局", 25),
        ("县农业农村局", 25), ("县职业技术学校", 20), ("县妇幼保健院", 15), ("县自然资源局", 15), ("县市场监督管理局", 15),
        ("县住房和城乡建设局", 12), ("县水利局", 12), ("县交通运输局", 12), ("县财政局", 12), ("县人力资源和社会保障局", 12),
        ("县卫生健康局", 12), ("县扶贫开发办公室", 12), ("县林业局", 10), ("县民政局", 10), ("县疾病预防控制中心", 10),
        ("县农村信用合作联社", 10), ("县发展和改革局", 8), ("县司法局", 8), ("县文化广电体育和旅游局", 8), ("县商务局", 6),
        ("县审计局", 6), ("县融媒体中心", 6), ("县生态环境局", 6), ("县应急管理局", 6), ("县医疗保障局", 6),
        ("县行政审批局", 6), ("县统计局", 5), ("县供销合作社联合社", 5), ("县科学技术局", 4), ("县退役军人事务局", 4),
        ("县气象局", 3), ("县档案馆", 3), ("县总工会", 3), ("团县委", 2), ("县妇联", 2),
    ];

    private static readonly string[] CountyUnitNames = CountyUnitTable.Select(u => u.Unit).ToArray();
    private static readonly int[] CountyUnitWeights = CountyUnitTable.Select(u => u.Weight).ToArray();
    private static readonly int CountyUnitTotal = CountyUnitWeights.Sum();

    public static string CountyUnit(DemoRandom rng) => CountyUnitNames[rng.PickWeighted(CountyUnitWeights, CountyUnitTotal)];

    public static readonly string[] TownUnitSuffixes = ["人民政府", "中心学校", "卫生院", "农业服务中心", "财政所", "中学"];

    // Mainland mobile prefixes (China Mobile, Unicom, Telecom).
    private static readonly string[] MobilePrefixes =
    [
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
        "156", "157", "158", "159", "177", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
        "198", "199",
    ];

    public static string MobilePhone(DemoRandom rng) =>
        string.Create(11, (rng.Pick(MobilePrefixes), rng.Next(100_000_000)), static (span, state) =>
        {
            state.Item1.AsSpan().CopyTo(span);
            var n = state.Item2;
            for (var i = 10; i >= 3; i--)
            {
                span[i] = (char)('0' + n % 10);
                n /= 10;
            }
        });

    public static string Surname(DemoRandom rng) => Surnames[rng.PickWeighted(SurnameWeights, SurnameTotal)];

    /// <summary>A surname different from <paramref name="other"/> (people marry out of their clan).</summary>
    public static string OtherSurname(DemoRandom rng, string other)
    {
        while (true)
        {
            var s = Surname(rng);
            if (s != other)
                return s;
        }
    }

    /// <summary>One or two characters; two in most cases, reduplicated (婷婷) now and then for young women.</summary>
    public static string GivenName(DemoRandom rng, bool male, int birthYear)
    {
        var pool = GivenNameChars(male, birthYear);
        var roll = rng.Next(100);
        if (roll < 22)
            return pool[rng.Next(pool.Length)];
        var first = pool[rng.Next(pool.Length)];
        if (!male && birthYear >= 1985 && roll >= 96)
            return first + first;
        string second;
        do
            second = pool[rng.Next(pool.Length)];
        while (second == first);
        return first + second;
    }

    public static string PlaceName(DemoRandom rng) => rng.Pick(PlaceFirst) + rng.Pick(PlaceSecond);

    private static string[] Chars(string s) => s.Select(c => c.ToString()).Distinct().ToArray();
}
