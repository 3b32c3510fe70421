using Microsoft.AspNetCore.Identity;

namespace Boyi.Infrastructure.Identity;

/// <summary>A person who signs in: county staff, town staff, a cadre, an enterprise user or an auditor.</summary>
public sealed class BoyiUser : IdentityUser
{
    public string FullName { get; set; } = "";

    /// <summary>The county the person works for (every person but province staff belongs to one; theirs is 0).</summary>
    public int CountyId { get; set; }

    /// <summary>For province staff: the province whose counties they may reach.</summary>
    public int? ProvinceId { get; set; }

    /// <summary>For a town officer: the town they may reach.</summary>
    public long? TownId { get; set; }

    /// <summary>For a cadre: their cadre record.</summary>
    public long? CadreId { get; set; }

    /// <summary>For an enterprise user: their enterprise.</summary>
    public long? EnterpriseId { get; set; }

    /// <summary>Set for accounts created with a password someone else chose (the demo admin): change it at first sign-in.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreateTime { get; set; }
}
