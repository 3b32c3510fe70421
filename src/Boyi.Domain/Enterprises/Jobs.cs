using Boyi.Domain.Errors;

namespace Boyi.Domain.Enterprises;

public enum JobStatus
{
    Open = 1,
    Closed = 2,
}

public enum ProjectKind
{
    VillageRoad = 1,
    Water = 2,
    CulturalVenue = 3,
    Charity = 4,
    Other = 5,
}

public enum ProjectStatus
{
    Planned = 1,
    InProgress = 2,
    Delivered = 3,
}

/// <summary>How candidates for a job are shown to an enterprise before a placement is agreed.</summary>
public static class Candidates
{
    /// <summary>The surname only: 陈大明 → 陈某 (no given name, no ID number, no phone).</summary>
    public static string MaskName(string fullName) =>
        string.IsNullOrWhiteSpace(fullName) ? "某" : $"{char.ConvertFromUtf32(char.ConvertToUtf32(fullName.Trim(), 0))}某";

    /// <summary>Nearest first: same village as the job, then same town, then elsewhere in the county.</summary>
    public static int Distance(long jobTown, long? jobVillage, long candidateTown, long candidateVillage) =>
        jobVillage == candidateVillage ? 0 : jobTown == candidateTown ? 1 : 2;
}

/// <summary>A project's status follows its deliveries: planned until the first, delivered once the pledge is met.</summary>
public static class ProjectRules
{
    /// <summary>
    /// The largest pledge, delivery and sum of a project's deliveries: 100 million yuan, far above any village project,
    /// and small enough that totals over every project a county could hold stay far inside a 64-bit count of fen.
    /// </summary>
    public const long MaxAmountFen = 10_000_000_000;

    public static ProjectStatus After(long pledgedFen, long deliveredFen) =>
        deliveredFen <= 0 ? ProjectStatus.Planned : deliveredFen >= pledgedFen ? ProjectStatus.Delivered : ProjectStatus.InProgress;

    public static void CheckDelivery(long amountFen, Violations v)
    {
        if (amountFen <= 0)
            v.Add("delivery.amount_fen", "NOT_POSITIVE", "a delivery is a positive amount of fen");
    }

    /// <summary>The project's deliveries after this one; refuses a sum above <see cref="MaxAmountFen"/> (so it never overflows).</summary>
    public static long DeliveredAfter(long deliveredFen, long amountFen)
    {
        if (amountFen > MaxAmountFen - Math.Max(deliveredFen, 0))
            throw DomainException.Invalid("delivery.amount_fen", "OUT_OF_RANGE",
                $"would take the project's deliveries above {MaxAmountFen / 100:N0} yuan");
        return deliveredFen + amountFen;
    }
}
