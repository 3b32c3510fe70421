using Boyi.Contracts.V1;

namespace Boyi.Portal;

/// <summary>The API's enum values in words, in the person's language.</summary>
public static class Names
{
    private static readonly Dictionary<Enum, (string Zh, string En)> Texts = new()
    {
        [Industry.Agriculture] = ("农业", "Agriculture"),
        [Industry.Manufacturing] = ("制造业", "Manufacturing"),
        [Industry.Construction] = ("建筑业", "Construction"),
        [Industry.Trade] = ("批发零售", "Wholesale and retail"),
        [Industry.Services] = ("服务业", "Services"),
        [Industry.Tourism] = ("文旅", "Culture and tourism"),
        [Industry.Other] = ("其他", "Other"),
        [EnterpriseStatus.Pending] = ("待审核", "Pending"),
        [EnterpriseStatus.Approved] = ("已通过", "Approved"),
        [EnterpriseStatus.Rejected] = ("未通过", "Rejected"),
        [EnterpriseStatus.Suspended] = ("已暂停", "Suspended"),
        [LinkageMode.OneHelpsOne] = ("一企帮一", "One helps one"),
        [LinkageMode.OneHelpsMany] = ("一企帮多", "One helps many"),
        [LinkageMode.ManyHelpsOne] = ("多企帮一", "Many help one"),
        [LinkageStatus.Proposed] = ("待审批", "Proposed"),
        [LinkageStatus.Approved] = ("已批准", "Approved"),
        [LinkageStatus.Rejected] = ("未批准", "Rejected"),
        [LinkageStatus.Active] = ("帮扶中", "Active"),
        [LinkageStatus.Completed] = ("已完成", "Completed"),
        [LinkageStatus.Terminated] = ("已终止", "Terminated"),
        [LinkageModel.CompanyCooperativeBaseFarmer] = ("公司＋合作社＋基地＋农户", "Company + cooperative + base + farmers"),
        [LinkageModel.Other] = ("其他模式", "Another model"),
        [InvitationState.Invited] = ("待答复", "Invited"),
        [InvitationState.Accepted] = ("已接受", "Accepted"),
        [InvitationState.Declined] = ("已谢绝", "Declined"),
        [ProjectKind.VillageRoad] = ("村道", "Village road"),
        [ProjectKind.Water] = ("饮水", "Drinking water"),
        [ProjectKind.CulturalVenue] = ("文化场所", "Cultural venue"),
        [ProjectKind.Charity] = ("公益捐助", "Charity"),
        [ProjectKind.Other] = ("其他", "Other"),
        [ProjectStatus.Planned] = ("计划中", "Planned"),
        [ProjectStatus.InProgress] = ("实施中", "In progress"),
        [ProjectStatus.Delivered] = ("已完成", "Delivered"),
        [HouseholdStatus.Poor] = ("贫困", "Poor"),
        [HouseholdStatus.Lifted] = ("已脱贫", "Lifted"),
        [HouseholdStatus.AtRiskOfRelapse] = ("返贫风险", "At risk of relapse"),
        [HouseholdClassification.IndustrySupport] = ("产业扶持", "Industry support"),
        [HouseholdClassification.EmploymentSupport] = ("就业扶持", "Employment support"),
        [HouseholdClassification.SocialSecurity] = ("兜底保障", "Social-security safety net"),
        [PovertyCause.Illness] = ("因病", "Illness"),
        [PovertyCause.Disability] = ("因残", "Disability"),
        [PovertyCause.SchoolingCosts] = ("因学", "Schooling costs"),
        [PovertyCause.LackOfSkills] = ("缺技术", "Lack of skills"),
        [PovertyCause.LackOfLabour] = ("缺劳力", "Lack of labour"),
        [PovertyCause.LackOfFunds] = ("缺资金", "Lack of funds"),
        [PovertyCause.LackOfLand] = ("缺土地", "Lack of land"),
        [PovertyCause.PoorTransport] = ("交通条件落后", "Poor transport"),
        [PovertyCause.LackOfDrive] = ("自身发展动力不足", "Lack of drive"),
        [PovertyCause.Other] = ("其他", "Other"),
        [Relation.Head] = ("户主", "Head"),
        [Relation.Spouse] = ("配偶", "Spouse"),
        [Relation.Child] = ("子女", "Child"),
        [Relation.Parent] = ("父母", "Parent"),
        [Relation.Grandchild] = ("孙辈", "Grandchild"),
        [Relation.Sibling] = ("兄弟姐妹", "Sibling"),
        [Relation.ChildInLaw] = ("儿媳/女婿", "Child-in-law"),
        [Relation.Other] = ("其他", "Other"),
        [HealthStatus.Healthy] = ("健康", "Healthy"),
        [HealthStatus.ChronicIllness] = ("长期慢性病", "Chronic illness"),
        [HealthStatus.SeriousIllness] = ("大病", "Serious illness"),
        [HealthStatus.Disabled] = ("残疾", "Disabled"),
        [LabourCapacity.None] = ("无劳动力", "None"),
        [LabourCapacity.Weak] = ("弱劳动力", "Weak"),
        [LabourCapacity.Normal] = ("普通劳动力", "Normal"),
        [LabourCapacity.Skilled] = ("技能劳动力", "Skilled"),
        [CadreRank.CountyLeader] = ("县领导", "County leader"),
        [CadreRank.DepartmentLevel] = ("厅级", "Department level"),
        [CadreRank.DivisionLevel] = ("处级", "Division level"),
        [CadreRank.SectionChief] = ("正科级", "Section chief"),
        [CadreRank.DeputySectionChief] = ("副科级", "Deputy section chief"),
        [CadreRank.MiddleManager] = ("中层干部", "Middle manager"),
        [CadreRank.OrdinaryStaff] = ("一般干部", "Ordinary staff"),
        [PairingState.Active] = ("结亲中", "Active"),
        [PairingState.Ended] = ("已结束", "Ended"),
        [PairingProposalState.Open] = ("待采纳", "Open"),
        [PairingProposalState.Accepted] = ("已采纳", "Accepted"),
        [LoanState.Applied] = ("待审批", "Applied"),
        [LoanState.Approved] = ("已批准", "Approved"),
        [LoanState.Rejected] = ("未批准", "Rejected"),
        [LoanState.Disbursed] = ("已放款", "Disbursed"),
        [LoanState.Repaid] = ("已还清", "Repaid"),
        [LoanState.Overdue] = ("逾期", "Overdue"),
        [LoanState.Defaulted] = ("已违约", "Defaulted"),
        [LoanState.Compensated] = ("已代偿", "Compensated"),
        [LoanSchemeKind.PovertyMicroCredit] = ("扶贫小额信贷", "Poverty micro-credit"),
        [LoanSchemeKind.EnterpriseGuaranteed] = ("企业担保贷款", "Enterprise-guaranteed"),
        [LenderKind.RuralCreditCooperative] = ("农村信用社", "Rural credit cooperative"),
        [LenderKind.OtherBank] = ("其他银行", "Other bank"),
        [ActorRole.CountyAdmin] = ("县帮扶办管理员", "County administrator"),
        [ActorRole.TownOfficer] = ("乡镇干部", "Town officer"),
        [ActorRole.Cadre] = ("帮扶干部", "Cadre"),
        [ActorRole.EnterpriseUser] = ("企业用户", "Enterprise user"),
        [ActorRole.Auditor] = ("审计员", "Auditor"),
        [ActorRole.Client] = ("对接系统", "Connected system"),
        [DividendState.Due] = ("待付", "Due"),
        [DividendState.Overdue] = ("逾期未付", "Overdue"),
        [DividendState.Paid] = ("已付", "Paid"),
        [InterestDueState.Due] = ("待付", "Due"),
        [InterestDueState.Overdue] = ("逾期未付", "Overdue"),
        [InterestDueState.Paid] = ("已付", "Paid"),
        [SubsidyRowStatus.Due] = ("待发放", "Due"),
        [SubsidyRowStatus.InBatch] = ("已列入批次", "In a batch"),
        [SubsidyRowStatus.Paid] = ("已发放", "Paid"),
        [SubsidyRowStatus.Held] = ("暂缓发放", "Held"),
        [SubsidyKind.Employment] = ("吸纳就业补贴", "Employment subsidy"),
        [SubsidyKind.Interest] = ("贴息", "Interest subsidy"),
        [SubsidyKind.Dividend] = ("股息", "Dividend"),
        [PaymentBatchKind.Employment] = ("吸纳就业补贴", "Employment subsidy"),
        [PaymentBatchKind.Interest] = ("贴息", "Interest subsidy"),
        [PaymentBatchState.Draft] = ("待复核", "Draft"),
        [PaymentBatchState.Approved] = ("已批准", "Approved"),
        [PaymentBatchState.Paid] = ("已发放", "Paid"),
        [PaymentBatchState.Cancelled] = ("已撤销", "Cancelled"),
        // Contact duties (issue 12).
        [ContactKind.PhoneCall] = ("电话联系", "Phone call"),
        [ContactKind.HomeVisit] = ("入户走访", "Home visit"),
        [ContactKind.OtherMeeting] = ("其他见面", "Other meeting"),
        [ContactOccasionKind.Festival] = ("传统佳节", "Festival"),
        [ContactOccasionKind.BusySeason] = ("生产忙季", "Busy season"),
        [ContactOccasionKind.Difficulty] = ("有了困难", "Difficulty"),
        [ContactOccasionKind.LifeEvent] = ("生老病死", "Birth, illness, old age or death"),
        [ContactOccasionKind.Dispute] = ("出现纠纷", "Dispute"),
        [ContactOccasionKind.RelapseRisk] = ("返贫风险", "Risk of relapse"),
        [ProblemCategory.Housing] = ("住房", "Housing"),
        [ProblemCategory.DrinkingWater] = ("饮水", "Drinking water"),
        [ProblemCategory.Electricity] = ("用电", "Electricity"),
        [ProblemCategory.Road] = ("道路", "Road"),
        [ProblemCategory.Schooling] = ("上学", "Schooling"),
        [ProblemCategory.Medical] = ("看病", "Medical"),
        [ProblemCategory.Income] = ("收入", "Income"),
        [ProblemCategory.Employment] = ("就业", "Employment"),
        [ProblemCategory.Dispute] = ("纠纷", "Dispute"),
        [ProblemCategory.Other] = ("其他", "Other"),
        [ProblemState.Raised] = ("已提出", "Raised"),
        [ProblemState.Assigned] = ("已交办", "Assigned"),
        [ProblemState.Solved] = ("已解决", "Solved"),
        [ProblemState.Reopened] = ("已重新打开", "Reopened"),
        [HelpPlanItemState.Planned] = ("计划中", "Planned"),
        [HelpPlanItemState.InProgress] = ("进行中", "In progress"),
        [HelpPlanItemState.Done] = ("已完成", "Done"),
        [HelpPlanItemState.Dropped] = ("已取消", "Dropped"),
        [HelpKind.Policy] = ("帮政策", "Policy"),
        [HelpKind.Technology] = ("帮技术", "Technology"),
        [HelpKind.Projects] = ("帮项目", "Projects"),
        [HelpKind.Funds] = ("帮资金", "Funds"),
        [HelpKind.SalesChannels] = ("帮销路", "Sales channels"),
        [HelpKind.DailyLife] = ("帮生活", "Daily life"),
    };

    /// <summary>A role of the access token (<c>town_officer</c>, …) in words.</summary>
    public static string Role(string role) => role switch
    {
        Caller.CountyAdmin => Of(ActorRole.CountyAdmin),
        Caller.TownOfficer => Of(ActorRole.TownOfficer),
        Caller.EnterpriseUser => Of(ActorRole.EnterpriseUser),
        "cadre" => Of(ActorRole.Cadre),
        "auditor" => Of(ActorRole.Auditor),
        _ => role,
    };

    /// <summary>
    /// Who did something, as the server describes them: name, role and where they act ("覃志刚（乡镇干部，第1镇）");
    /// the resource name only for an actor the server no longer knows.
    /// </summary>
    public static string Actor(ActorDisplay? who, string actor)
    {
        if (who is null || who.Role == ActorRole.Unspecified)
            return actor;
        var role = who.Area.Length > 0 ? Lang.T($"{Of(who.Role)}，{who.Area}", $"{Of(who.Role)}, {who.Area}") : Of(who.Role);
        return Lang.T($"{who.DisplayName}（{role}）", $"{who.DisplayName} ({role})");
    }

    /// <summary>The value in words; a value not listed shows as the API names it.</summary>
    public static string Of(Enum value) => Texts.TryGetValue(value, out var t) ? Lang.T(t.Zh, t.En) : value.ToString();

    /// <summary>Every named value of <typeparamref name="T"/> but the unspecified one, with its words: for a select.</summary>
    public static IEnumerable<(T Value, string Text)> All<T>() where T : struct, Enum =>
        Enum.GetValues<T>().Where(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture) != 0).Select(v => (v, Of(v)));

    public static IEnumerable<(Industry Value, string Text)> Industries => All<Industry>();
}
