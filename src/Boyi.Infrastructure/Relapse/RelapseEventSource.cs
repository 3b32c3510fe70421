using Boyi.Domain.Duties;
using Boyi.Infrastructure.Compliance;

namespace Boyi.Infrastructure.Relapse;

/// <summary>
/// Relapse triggers as the compliance code sees them: each makes the relapse-risk must-visit due from the day it was
/// recorded, named <c>relapseTriggers/{id}</c> (the reference a home visit gives to meet it). A watch closed since still
/// owed its visit: the duty is about the day of the trigger.
/// </summary>
public sealed class RelapseEventSource() : SqlHouseholdEventSource(
    $"SELECT household_id, id, {(int)HouseholdEventKind.RelapseRisk}, trigger_date FROM relapse_triggers WHERE county_id = $1 " +
    "AND trigger_date BETWEEN $2 AND $3 AND ($4::bigint IS NULL OR town_id = $4)", RelapseStore.TriggerName);
