namespace Boyi.Portal;

/// <summary>
/// The server's error reasons (google.rpc ErrorInfo and field-violation reasons) in words, in the person's
/// language. The server's own English text is the fallback for a reason not listed here, so nothing is ever hidden.
/// </summary>
public static class Messages
{
    private static readonly Dictionary<string, (string Zh, string En)> Reasons = new(StringComparer.Ordinal)
    {
        ["INVALID_ARGUMENT"] = ("填写的内容有误，请看各栏的提示。", "Some fields are not right; see the notes next to them."),
        ["ETAG_MISMATCH"] = ("这条记录刚被别人改过，请刷新后再试。", "Someone changed this just now; reload and try again."),
        ["NOT_FOUND"] = ("没有找到，或您无权查看。", "Not found, or not yours to see."),
        ["CREDIT_CODE_TAKEN"] = ("该统一社会信用代码已注册。", "This credit code is already registered."),
        ["USER_EXISTS"] = ("该用户名已被使用。", "This user name is taken."),
        ["ENTERPRISE_NOT_APPROVED"] = ("企业尚未通过审核。", "The enterprise is not approved yet."),
        ["TARGET_IN_ONE_HELPS_ONE"] = ("该村已有“一帮一”企业帮扶。", "Another enterprise already helps this village one-to-one."),
        ["NO_PARTNER_ACCEPTED"] = ("“多帮一”需至少一家受邀企业接受后才能启动。", "A many-helps-one linkage starts once an invited enterprise has accepted."),
        ["INVALID_STATUS_TRANSITION"] = ("当前状态下不能这样操作。", "That step is not possible in the current status."),
        ["PROPOSER_CANNOT_DECIDE"] = ("提出者不能审批自己的申请。", "Whoever proposed it may not decide on it."),
        ["TARGETS_OUTSIDE_YOUR_TOWN"] = ("帮扶对象不全在您的乡镇，请由县里审批。", "Not every target is in your town; the county decides."),
        ["JOB_FULL"] = ("岗位已满。", "All openings of this job are filled."),
        ["JOB_CLOSED"] = ("岗位已关闭。", "The job is closed."),
        ["ALREADY_PLACED"] = ("此人已在岗。", "This person already holds a placement."),
        ["ALREADY_ANSWERED"] = ("邀请已答复。", "The invitation has been answered."),
        ["LINKAGE_CLOSED"] = ("该联结已结束。", "The linkage has ended."),
        ["PERSONAL_DATA_NOT_PERMITTED"] = ("您无权查看完整个人信息。", "You may not see full personal data."),
        ["ROLE_NOT_ALLOWED"] = ("您的角色不能做这项操作。", "Your role may not do this."),
        ["RATE_LIMITED"] = ("操作太频繁，请稍后再试。", "Too many requests; try again shortly."),
        ["PROPOSAL_STALE"] = ("方案生成后结亲情况已变化，请重新生成。", "Pairings changed since the proposal was made; run the planner again."),
        ["PROPOSAL_ALREADY_ACCEPTED"] = ("该方案已被采纳。", "This proposal was already accepted."),
        ["QUOTA_FULL"] = ("该干部结亲户数已满。", "The cadre's quota is full."),
        ["HOUSEHOLD_ALREADY_PAIRED"] = ("该户已有结亲干部。", "The household is already paired."),
        ["RISK_FUND_CAPACITY_EXHAUSTED"] = ("该贷款机构的风险补偿金额度已用完，批准此贷款会超出（存入资金 × 放大倍数）。", "The lender's risk fund cannot back this loan: approving it would exceed deposits × leverage."),
        ["BORROWER_AGE_OUT_OF_RANGE"] = ("借款人应年满18周岁、不超过65周岁。", "The borrower must be 18 to 65 years old."),
        ["BORROWER_NOT_ABLE_TO_WORK"] = ("借款人应具备劳动能力（普通或技能劳动力）。", "The borrower must be able to work (normal or skilled labour)."),
        ["HOUSEHOLD_NOT_IN_NEED"] = ("该户不是贫困户或返贫风险户。", "The household is not poor or at risk of relapse."),
        ["HOUSEHOLD_HAS_DEFAULTED_LOAN"] = ("该户有违约贷款，不能再贷。", "The household has a defaulted loan and gets no new one."),
        ["LIVE_LOAN_IN_SCHEME"] = ("该户在此项目下已有未结清的贷款。", "The household already has a live loan of this scheme."),
        ["PRINCIPAL_ABOVE_SCHEME_MAX"] = ("贷款金额超过项目上限。", "The principal is above the scheme's maximum."),
        ["TERM_ABOVE_SCHEME_MAX"] = ("贷款期限超过项目上限。", "The term is above the scheme's maximum."),
        ["HOUSEHOLD_DELETED"] = ("该户已从台账删除。", "The household has been deleted from the registry."),
        ["DIVIDEND_ALREADY_PAID"] = ("这笔股息的支付已登记过。", "This dividend's payment is already recorded."),
        ["NOTHING_DUE"] = ("所选类别、日期和收款方没有待发放的补贴。", "Nothing is due for that kind, those dates and that payee."),
        ["BUILDER_CANNOT_APPROVE"] = ("批次的建立人不能批准自己的批次，请由另一位管理员批准。", "Whoever built a batch may not approve it; another administrator must."),
        ["BATCH_NOT_EXPORTED"] = ("批次导出给财政局之后才能登记已发放。", "A batch is marked paid only once it is exported for the finance bureau."),
        // Contact duties (issue 12).
        ["HOUSEHOLD_NOT_PAIRED"] = ("那天这户没有结亲干部。", "No cadre was paired with the household on that day."),
        ["CORRECTION_WINDOW_PASSED"] = ("更正期已过，记录已锁定。", "The correction window has passed; the record is frozen."),
        ["NOT_AUTHOR"] = ("只有记录人本人可以更正或添加照片。", "Only whoever entered the record may correct it or add photos."),
        ["IN_FUTURE"] = ("不能是将来的日期或时间。", "must not be in the future."),
        ["ENTRY_WINDOW_PASSED"] = ("超过了补记期限（联系后 7 天内录入）。", "is past the entry window (a contact is entered within 7 days)."),
        ["IMAGE_TOO_LARGE"] = ("照片太大，最多 3 MB。", "is too large (at most 3 MB)."),
        ["TOO_MANY_PHOTOS"] = ("一条记录最多 9 张照片。", "A record holds at most 9 photos."),
        ["NOT_AN_IMAGE"] = ("不是 JPEG 或 PNG 照片，或文件不完整。", "is not a JPEG or PNG photo, or the file is incomplete."),
        // Exits (issue 14).
        ["EXIT_INDICATORS_NOT_MET"] = ("不能确认脱贫：下列指标未达到，见各项的说明。", "The exit cannot be confirmed: the indicators below are not met; see the note by each."),
        ["EXIT_SAME_CONFIRMER"] = ("县级确认须由乡镇确认人以外的另一人办理。", "The county's confirmation must be someone else's than the town's."),
        ["EXIT_STEP_NOT_YOURS"] = ("这一步不归您确认：先由乡镇干部确认，再由县管理员确认。", "This step is not yours: a town officer confirms first, then a county administrator."),
        ["EXIT_ASSESSMENT_EXISTS"] = ("这户（村）已有一份正在办理的脱贫评估，请修改那一份。", "An exit assessment of it is in progress already; change that one."),
        ["EXIT_ALREADY_CONFIRMED"] = ("县里已确认该脱贫，不能再变。", "The county has confirmed this exit; it is final."),
        ["EXIT_ASSESSMENT_CONFIRMED"] = ("乡镇已确认该评估，不能再修改。", "The town has confirmed this assessment; it no longer changes."),
        ["HOUSEHOLD_NOT_POOR"] = ("只有贫困户才能评估脱贫。", "Only a poor household is assessed for exit."),
        // Relapse watch (issue 14).
        ["HOUSEHOLD_NOT_LIFTED"] = ("只有已脱贫（或已有返贫风险）的户才能记录返贫风险。", "A relapse risk is recorded only on a household lifted out of poverty (or at risk already)."),
        ["RELAPSE_WATCH_ENDED"] = ("该户脱贫已满五年，不再进行返贫监测。", "The household's five years of relapse watch are over."),
        ["RELAPSE_WATCH_CLOSED"] = ("该监测已结束（风险已消除或已返贫），请刷新查看；新的风险会开启新的监测。", "This watch is closed (cleared or returned); reload to see it. A new trigger opens a new watch."),
        // Field-level reasons.
        ["CONTAINS_PERSONAL_DATA"] = ("请说明理由，但不要写身份证号或电话号码。", "say why without ID-card or phone numbers."),
        ["REQUIRED"] = ("必填。", "is required."),
        ["TOO_LONG"] = ("太长。", "is too long."),
        ["INVALID_CHARACTER"] = ("含有控制字符、换行或文字方向字符，请删去。", "holds a control, line-break or text-direction character; remove it."),
        ["BLANK"] = ("不能只有空格或不可见字符。", "must not be only spaces or invisible characters."),
        ["OUT_OF_RANGE"] = ("超出允许范围。", "is outside the allowed range."),
        ["UNKNOWN_ENUM_VALUE"] = ("不是可选的值。", "is not one of the allowed values."),
        ["NEGATIVE"] = ("不能为负数。", "must not be negative."),
        ["NOT_POSITIVE"] = ("应大于零。", "must be more than zero."),
        ["PHONE_FORMAT"] = ("应为手机号（11位，13–19开头）或带区号的座机号（如 0775-1234567）。", "must be a mainland mobile or a landline with its area code."),
        ["CREDIT_CODE_LENGTH"] = ("统一社会信用代码应为18位。", "must be 18 characters."),
        ["CREDIT_CODE_CHARACTER"] = ("统一社会信用代码含无效字符。", "contains a character a credit code cannot have."),
        ["CREDIT_CODE_CHECKSUM"] = ("统一社会信用代码校验码不正确。", "has a wrong check character."),
        ["INVALID_DATE"] = ("日期无效。", "is not a valid date."),
        ["BEFORE_START"] = ("不能早于开始日期。", "must not be before the start date."),
        ["INVALID_AMOUNT"] = ("金额无效。", "is not a valid amount."),
        ["NOT_A_POOR_VILLAGE"] = ("不是贫困村。", "is not a poor village."),
        ["ONE_TARGET"] = ("一企帮一只能选择一个村或一户。", "one-helps-one takes exactly one village or household."),
        ["SEVERAL_TARGETS"] = ("一企帮多需选择两个或以上的村或户。", "one-helps-many takes two or more villages or households."),
        ["ONE_VILLAGE"] = ("多企帮一只能选择一个村。", "many-helps-one takes exactly one village."),
        ["NOT_APPLICABLE"] = ("此处不适用。", "does not apply here."),
        ["LEAD_ENTERPRISE"] = ("牵头企业不必邀请自己。", "the lead enterprise does not invite itself."),
        ["NOT_AN_APPROVED_ENTERPRISE"] = ("不是本县已通过审核的企业。", "is not an approved enterprise of this county."),
        ["DUPLICATE"] = ("同一项选了两次。", "appears twice."),
        ["AMOUNT_NOT_DUE"] = ("金额应与应付股息相同。", "must be the amount of the dividend due."),
        ["STATEMENT_SUPERSEDED"] = ("该证明已被新编号取代，请对新证明重新出具。", "This statement was superseded; reissue the new one."),
        ["YEAR_NOT_ENDED"] = ("年度结束后才能出具该年度的证明。", "Statements of a year are issued once it has ended."),
        // Commendations (issue 13).
        ["SAME_PERSON_REVIEW"] = ("复核须由另一位管理员进行：计算或排除过本轮评选的人不能确认它。", "A second person confirms: whoever computed the round or excluded from it may not confirm it."),
        ["ROUND_STATE"] = ("评选当前的状态不能进行这一步（请刷新查看）。", "The round is not in a state for that step (reload to see where it is)."),
        ["ROUND_PUBLISHED"] = ("评选已公布，不能再更改。", "The round is published and never changes."),
        ["SCHEME_FROZEN"] = ("该年度已有公布的评选，方案不能再修改。", "A round of the year is published: the scheme no longer changes."),
        ["NO_SCHEME"] = ("该年度还没有表彰方案，请先制定方案。", "The county has no scheme for that year yet."),
        ["UNKNOWN_CATEGORY"] = ("不是本方案的类别。", "is not a category of the scheme."),
        ["NOT_A_PARTICIPANT"] = ("该企业没有参加本轮评选。", "The enterprise is not among the round's participants."),
        ["ALREADY_EXCLUDED"] = ("该企业已在审核中被排除。", "The enterprise was already excluded on review."),
        ["INDICATOR_NOT_MET"] = ("未达到。", "is not met."),
        ["INDICATOR_MISSING"] = ("未评估。", "is not assessed."),
        ["INDICATOR_EVIDENCE_MISSING"] = ("缺少佐证材料。", "has no evidence."),
        ["INDICATOR_ASSESSOR_MISSING"] = ("缺少评估人。", "has no assessor."),
        ["INCOME_LINE_UNKNOWN"] = ("该年度没有扶贫标准（2011–2020 年有）。", "has no income line (2011–2020 have one)."),
        ["VILLAGE_POPULATION_UNKNOWN"] = ("该村户籍农业人口未登记，无法计算贫困发生率。", "the village's registered rural population is not set."),
        ["INDICATOR_COMPUTED"] = ("此项由系统计算，不能手工勾选。", "is computed; do not tick it."),
        ["BEFORE_DISBURSEMENT"] = ("不能早于放款日。", "must not be before the disbursement."),
    };

    /// <summary>A refusal of the server in words: its reason's text in the person's language, else the server's own message.</summary>
    public static string For(Grpc.Core.RpcException e)
    {
        var status = Grpc.Core.RpcExceptionExtensions.GetRpcStatus(e);
        return ForReason(status?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason) ?? status?.Message ?? e.Status.Detail;
    }

    /// <summary>The overall message for <paramref name="reason"/>, or null when the server's own words should be shown.</summary>
    public static string? ForReason(string? reason) =>
        reason is not null && Reasons.TryGetValue(reason, out var t) ? Lang.T(t.Zh, t.En) : null;

    /// <summary>
    /// A field violation in words: in English the server's own description (the most specific); in Chinese the known
    /// reason's text, else the server's description.
    /// </summary>
    public static string ForField(string? reason, string description) =>
        Lang.IsEnglish && description.Length > 0 ? description : ForReason(reason) ?? description;
}
