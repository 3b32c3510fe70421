using Boyi.Domain.Duties;
using Boyi.Infrastructure.Compliance;
using Npgsql;

namespace Boyi.Infrastructure.Problems;

/// <summary>
/// Problems raised on households as the compliance code sees them: each makes the difficulty must-visit (五必访) due
/// from the day it was raised, named <c>problems/{id}</c> (the reference a visit gives to meet it). A problem solved or
/// reopened since still owed its visit: the duty is about the day it was raised.
/// </summary>
public sealed class ProblemEventSource : IHouseholdEventSource
{
    public async Task<IReadOnlyList<(long HouseholdId, HouseholdEvent Event)>> ReadAsync(NpgsqlConnection conn, HouseholdEventScope scope, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT household_id, id, raised_date FROM problems WHERE county_id = $1 AND raised_date BETWEEN $2 AND $3 " +
            "AND ($4::bigint IS NULL OR town_id = $4)", conn);
        cmd.Parameters.Add(new() { Value = scope.CountyId });
        cmd.Parameters.Add(new() { Value = scope.From });
        cmd.Parameters.Add(new() { Value = scope.To });
        cmd.Parameters.Add(new() { Value = (object?)scope.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        var list = new List<(long, HouseholdEvent)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add((r.GetInt64(0), new HouseholdEvent(ProblemStore.Name(r.GetInt64(1)), HouseholdEventKind.Difficulty, r.GetFieldValue<DateOnly>(2))));
        return list;
    }
}
