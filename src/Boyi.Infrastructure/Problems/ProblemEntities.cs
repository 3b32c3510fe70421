using Boyi.Domain.Problems;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Problems;

/// <summary>
/// A problem raised on a household, as it stands now (its revisions keep every step). The id is county × 10^10 +
/// sequence; the area columns are copied from the household so that area lists need no join. Assigned either to a
/// town (<see cref="AssigneeTownId"/>) or to a county department by name (<see cref="AssigneeDepartment"/>).
/// </summary>
public sealed class ProblemRow : Common.IHouseholdRecord
{
    public long Id { get; set; }
    public int CountyId { get; set; }
    public long TownId { get; set; }
    public long VillageId { get; set; }
    public long HouseholdId { get; set; }
    public ProblemCategory Category { get; set; }
    public required string Description { get; set; }
    public ProblemState State { get; set; }
    /// <summary>The China date it was raised: the difficulty must-visit is due from it.</summary>
    public DateOnly RaisedDate { get; set; }
    public required string RaisedBy { get; set; }
    public long? AssigneeTownId { get; set; }
    public string? AssigneeDepartment { get; set; }
    public DateOnly? Deadline { get; set; }
    public string? SolutionNote { get; set; }
    public DateOnly? SolvedDate { get; set; }
    public string? ReopenReason { get; set; }
    public int Revision { get; set; }
    public int Version { get; set; }
    public DateTime CreateTime { get; set; }
    public DateTime UpdateTime { get; set; }
}

/// <summary>A problem after one step (1 = raised), as JSON with the step and its note: the history is read, never queried.</summary>
public sealed class ProblemRevisionRow
{
    public long ProblemId { get; set; }
    public int Revision { get; set; }
    public int CountyId { get; set; }
    public ProblemAction Action { get; set; }
    public required string Content { get; set; }
    public string? Note { get; set; }
    public required string Actor { get; set; }
    public DateTime CreateTime { get; set; }
}

public sealed class ProblemConfiguration : IEntityTypeConfiguration<ProblemRow>
{
    public void Configure(EntityTypeBuilder<ProblemRow> e)
    {
        e.ToTable("problems");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Description).HasMaxLength(ProblemStates.MaxTextChars);
        e.Property(x => x.SolutionNote).HasMaxLength(ProblemStates.MaxTextChars);
        e.Property(x => x.ReopenReason).HasMaxLength(ProblemStates.MaxTextChars);
        e.Property(x => x.AssigneeDepartment).HasMaxLength(ProblemStates.MaxDepartmentChars);
        e.Property(x => x.RaisedBy).HasMaxLength(200);
        e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
        e.HasOne<TownRow>().WithMany().HasForeignKey(x => x.AssigneeTownId);
        // Lists lead with the county (or a county-prefixed key), newest first; the difficulty events are read by household.
        e.HasIndex(x => new { x.CountyId, x.Id });
        e.HasIndex(x => new { x.TownId, x.Id });
        e.HasIndex(x => new { x.HouseholdId, x.RaisedDate });
        // The queues of what is open: by county and deadline (overdue lists), solved problems left out.
        e.HasIndex(x => new { x.CountyId, x.Deadline }).HasFilter("state <> 3");
        e.ToTable(t =>
        {
            t.HasCheckConstraint("ck_problems_state", "state BETWEEN 1 AND 4");
            t.HasCheckConstraint("ck_problems_category", "category BETWEEN 1 AND 10");
            // Assigned to a town or a department, never both; once past RAISED it has an assignee and a deadline.
            t.HasCheckConstraint("ck_problems_assignee",
                "NOT (assignee_town_id IS NOT NULL AND assignee_department IS NOT NULL) " +
                "AND (state = 1 OR ((assignee_town_id IS NOT NULL OR assignee_department IS NOT NULL) AND deadline IS NOT NULL))");
        });
    }
}

public sealed class ProblemRevisionConfiguration : IEntityTypeConfiguration<ProblemRevisionRow>
{
    public void Configure(EntityTypeBuilder<ProblemRevisionRow> e)
    {
        e.ToTable("problem_revisions");
        e.HasKey(x => new { x.ProblemId, x.Revision });
        e.Property(x => x.Content).HasColumnType("jsonb");
        e.Property(x => x.Note).HasMaxLength(ProblemStates.MaxTextChars);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<ProblemRow>().WithMany().HasForeignKey(x => x.ProblemId);
    }
}
