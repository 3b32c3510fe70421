namespace Boyi.Domain.Registry;

/// <summary>Cadre ranks used by the 865321 quota rule (干部级别).</summary>
public enum CadreRank
{
    CountyLeader = 1,        // 县领导
    DepartmentLevel = 2,     // 厅级
    DivisionLevel = 3,       // 处级
    SectionChief = 4,        // 正科级
    DeputySectionChief = 5,  // 副科级
    MiddleManager = 6,       // 中层干部
    OrdinaryStaff = 7,       // 一般干部
}

/// <summary>Where a cadre's households must be: in the linked town, the linked village, or nowhere (no household quota).</summary>
public enum PairingScope
{
    None = 0,
    Town = 1,
    Village = 2,
}

/// <summary>Poverty status of a household (贫困 / 脱贫 / 返贫风险).</summary>
public enum HouseholdStatus
{
    Poor = 1,
    Lifted = 2,
    AtRiskOfRelapse = 3,
}

/// <summary>Which measures fit a household (对症下药).</summary>
public enum HouseholdClassification
{
    IndustrySupport = 1,      // 产业扶持
    EmploymentSupport = 2,    // 就业扶持
    SocialSecurity = 3,       // 兜底保障
}

public enum PovertyCause
{
    Illness = 1,
    Disability = 2,
    SchoolingCosts = 3,
    LackOfSkills = 4,
    LackOfLabour = 5,
    LackOfFunds = 6,
    LackOfLand = 7,
    PoorTransport = 8,
    LackOfDrive = 9,
    Other = 10,
}

public enum Relation
{
    Head = 1,
    Spouse = 2,
    Child = 3,
    Parent = 4,
    Grandchild = 5,
    Sibling = 6,
    ChildInLaw = 7,
    Other = 8,
}

public enum HealthStatus
{
    Healthy = 1,
    ChronicIllness = 2,
    SeriousIllness = 3,
    Disabled = 4,
}

public enum LabourCapacity
{
    None = 1,          // 无劳动力
    Weak = 2,          // 弱劳动力或半劳动力
    Normal = 3,        // 普通劳动力
    Skilled = 4,       // 技能劳动力
}
