using Boyi.Domain.Errors;

namespace Boyi.Domain.Enterprises;

/// <summary>Where a partner enterprise stands with the county (百企联村 partners are vetted by county staff).</summary>
public enum EnterpriseStatus
{
    Pending = 1,
    Approved = 2,
    Rejected = 3,
    Suspended = 4,
}

public enum Industry
{
    Agriculture = 1,
    Manufacturing = 2,
    Construction = 3,
    Trade = 4,
    Services = 5,
    Tourism = 6,
    Other = 7,
}

/// <summary>The decisions county staff take on an enterprise, and which states each may be taken from.</summary>
public static class EnterpriseRules
{
    public static EnterpriseStatus Decide(EnterpriseStatus from, EnterpriseStatus to)
    {
        var allowed = (from, to) switch
        {
            (EnterpriseStatus.Pending, EnterpriseStatus.Approved) => true,
            (EnterpriseStatus.Pending, EnterpriseStatus.Rejected) => true,
            (EnterpriseStatus.Approved, EnterpriseStatus.Suspended) => true,
            // A suspension is lifted by approving again.
            (EnterpriseStatus.Suspended, EnterpriseStatus.Approved) => true,
            _ => false,
        };
        if (!allowed)
        {
            throw DomainException.Precondition("INVALID_STATUS_TRANSITION",
                $"An enterprise that is {from.ToString().ToUpperInvariant()} cannot become {to.ToString().ToUpperInvariant()}.");
        }
        return to;
    }

    /// <summary>Rejections and suspensions say why (the enterprise sees it).</summary>
    public static bool NeedsReason(EnterpriseStatus to) => to is EnterpriseStatus.Rejected or EnterpriseStatus.Suspended;
}
