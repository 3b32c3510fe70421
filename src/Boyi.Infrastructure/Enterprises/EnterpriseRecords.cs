using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>What every record an enterprise creates (jobs, projects) starts from.</summary>
internal static class EnterpriseRecords
{
    /// <summary>The enterprise, which must exist and be approved to <paramref name="doWhat"/>.</summary>
    public static async Task<EnterpriseRow> RequireApprovedAsync(BoyiDbContext db, long enterpriseId, string doWhat, CancellationToken ct)
    {
        var enterprise = await db.Enterprises.AsNoTracking().FirstOrDefaultAsync(e => e.Id == enterpriseId, ct)
            ?? throw DomainException.NotFound("enterprise", $"enterprises/{enterpriseId}");
        if (enterprise.Status != EnterpriseStatus.Approved)
            throw DomainException.Precondition("ENTERPRISE_NOT_APPROVED", $"Only an approved enterprise {doWhat}.");
        return enterprise;
    }

    /// <summary>The next id of <paramref name="kind"/> in the county: county × 10^6 + sequence.</summary>
    public static async Task<long> NextIdAsync(BoyiDbContext db, int countyId, string kind, CancellationToken ct) =>
        countyId * 1_000_000L + await IdAllocator.ReserveAsync((NpgsqlConnection)db.Database.GetDbConnection(), countyId, kind, 1, ct);
}
