using Boyi.Domain.Errors;

namespace Boyi.Domain.Enterprises;

/// <summary>How enterprises take on villages and households (百企联村 modes).</summary>
public enum LinkageMode
{
    /// <summary>一企帮一村/户: one enterprise, one village or household, which then is not open to another one-helps-one.</summary>
    OneHelpsOne = 1,
    /// <summary>一企帮多村/户: one enterprise, several villages or households.</summary>
    OneHelpsMany = 2,
    /// <summary>多企帮一村: a lead enterprise and the enterprises it invites (each accepts or declines), one village.</summary>
    ManyHelpsOne = 3,
}

public enum LinkageStatus
{
    Proposed = 1,
    Approved = 2,
    Rejected = 3,
    Active = 4,
    Completed = 5,
    Terminated = 6,
}

public enum LinkageModel
{
    /// <summary>公司 + 合作社 + 基地 + 农户.</summary>
    CompanyCooperativeBaseFarmer = 1,
    Other = 2,
}

public enum InvitationState
{
    Invited = 1,
    Accepted = 2,
    Declined = 3,
}

/// <summary>The lifecycle of a linkage and the shape each mode must have.</summary>
public static class LinkageRules
{
    public static LinkageStatus Move(LinkageStatus from, LinkageStatus to)
    {
        var allowed = (from, to) switch
        {
            (LinkageStatus.Proposed, LinkageStatus.Approved or LinkageStatus.Rejected) => true,
            (LinkageStatus.Approved, LinkageStatus.Active or LinkageStatus.Terminated) => true,
            (LinkageStatus.Active, LinkageStatus.Completed or LinkageStatus.Terminated) => true,
            _ => false,
        };
        if (!allowed)
        {
            throw DomainException.Precondition("INVALID_STATUS_TRANSITION",
                $"A linkage that is {Upper(from)} cannot become {Upper(to)}.");
        }
        return to;
    }

    /// <summary>Rejections and terminations say why.</summary>
    public static bool NeedsReason(LinkageStatus to) => to is LinkageStatus.Rejected or LinkageStatus.Terminated;

    /// <summary>Whether a linkage in this status still holds its one-helps-one targets.</summary>
    public static bool Holds(LinkageStatus status) => status is LinkageStatus.Proposed or LinkageStatus.Approved or LinkageStatus.Active;

    /// <summary>Checks the targets and partners a mode needs; violations name the request's fields.</summary>
    public static void CheckShape(LinkageMode mode, int villages, int households, int partners, Violations v)
    {
        var targets = villages + households;
        switch (mode)
        {
            case LinkageMode.OneHelpsOne when targets != 1:
                v.Add("linkage.targets", "ONE_TARGET", "one-helps-one takes exactly one village or household");
                break;
            case LinkageMode.OneHelpsMany when targets < 2:
                v.Add("linkage.targets", "SEVERAL_TARGETS", "one-helps-many takes two or more villages or households");
                break;
            case LinkageMode.ManyHelpsOne when villages != 1 || households != 0:
                v.Add("linkage.targets", "ONE_VILLAGE", "many-helps-one takes exactly one village");
                break;
        }
        if (mode == LinkageMode.ManyHelpsOne && partners == 0)
            v.Add("linkage.invited_enterprises", "REQUIRED", "many-helps-one invites at least one other enterprise");
        if (mode != LinkageMode.ManyHelpsOne && partners > 0)
            v.Add("linkage.invited_enterprises", "NOT_APPLICABLE", "only many-helps-one invites other enterprises");
    }

    private static string Upper(LinkageStatus s) => s.ToString().ToUpperInvariant();
}
