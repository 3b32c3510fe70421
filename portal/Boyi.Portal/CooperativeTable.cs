using System.Globalization;
using Boyi.Contracts.V1;

namespace Boyi.Portal;

/// <summary>
/// What the cooperatives table (Shared/_Cooperatives.cshtml) shows: the cooperatives with their figures, a village's
/// name for `villages/…`, and, for staff, where a cooperative's rent dues are listed.
/// </summary>
public sealed record CooperativeTable(IReadOnlyList<Cooperative> Cooperatives, Func<string, string> Village, Func<Cooperative, string>? DuesHref = null)
{
    /// <summary>Hundredths of a mu as mu with two decimals, exactly (123456 → 1,234.56).</summary>
    public static string Mu(long hundredths) => (hundredths / 100m).ToString("N2", CultureInfo.CurrentCulture);
}
