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
    public static ProjectStatus After(long pledgedFen, long deliveredFen) =>
        deliveredFen <= 0 ? ProjectStatus.Planned : deliveredFen >= pledgedFen ? ProjectStatus.Delivered : ProjectStatus.InProgress;

    public static void CheckDelivery(long amountFen, Violations v)
    {
        if (amountFen <= 0)
            v.Add("delivery.amount_fen", "NOT_POSITIVE", "a delivery is a positive amount of fen");
    }
}
