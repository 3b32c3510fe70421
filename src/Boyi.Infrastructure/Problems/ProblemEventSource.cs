using Boyi.Domain.Duties;
using Boyi.Infrastructure.Compliance;

namespace Boyi.Infrastructure.Problems;

/// <summary>
/// Problems raised on households as the compliance code sees them: each makes the difficulty must-visit (五必访) due
/// from the day it was raised, named <c>problems/{id}</c> (the reference a visit gives to meet it). A problem solved or
/// reopened since still owed its visit: the duty is about the day it was raised.
/// </summary>
public sealed class ProblemEventSource() : SqlHouseholdEventSource(
    $"SELECT household_id, id, {(int)HouseholdEventKind.Difficulty}, raised_date FROM problems WHERE county_id = $1 AND raised_date BETWEEN $2 AND $3 " +
    "AND ($4::bigint IS NULL OR town_id = $4)", ProblemStore.Name);
