using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Boyi.Infrastructure.Statements;

/// <summary>
/// A yearly delivery statement as issued: written once, never changed or deleted (a trigger refuses it,
/// <see cref="StatementSchema"/>). The enterprise's name and credit code are copied in, so the statement reads as it was
/// issued whatever becomes of the enterprise. <see cref="Id"/> orders and pages; <see cref="Number"/> is what is printed.
/// </summary>
public sealed class StatementRow
{
    public long Id { get; set; }
    public required string Number { get; set; }
    public int CountyId { get; set; }
    public long EnterpriseId { get; set; }
    public int Year { get; set; }
    public int Sequence { get; set; }
    public required string EnterpriseDisplayName { get; set; }
    public required string CreditCode { get; set; }
    public long TotalFen { get; set; }
    public DateTime IssueTime { get; set; }
    /// <summary><c>job:yearly-statements</c>, <c>user:{id}</c> or <c>client:{id}</c>.</summary>
    public required string IssuedBy { get; set; }
}

/// <summary>What one project delivered in the statement's year (title and village name as when issued).</summary>
public sealed class StatementLineRow
{
    public long StatementId { get; set; }
    public int Line { get; set; }
    public long ProjectId { get; set; }
    public required string ProjectTitle { get; set; }
    public long VillageId { get; set; }
    public required string VillageDisplayName { get; set; }
    public long AmountFen { get; set; }
}

/// <summary>
/// A reissue: the old statement is superseded by the new one, why, by whom and when. Kept apart so that statement rows
/// never change; a statement is current while no row names it as <see cref="OldStatementId"/>.
/// </summary>
public sealed class StatementSupersessionRow
{
    public long OldStatementId { get; set; }
    public long NewStatementId { get; set; }
    public int CountyId { get; set; }
    public required string Reason { get; set; }
    public required string Actor { get; set; }
    public DateTime SupersedeTime { get; set; }
}

public sealed class StatementConfiguration : IEntityTypeConfiguration<StatementRow>
{
    public void Configure(EntityTypeBuilder<StatementRow> e)
    {
        e.ToTable("statements");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).UseIdentityAlwaysColumn();
        e.Property(x => x.Number).HasMaxLength(32);
        e.Property(x => x.EnterpriseDisplayName).HasMaxLength(100);
        e.Property(x => x.CreditCode).HasMaxLength(18);
        e.Property(x => x.IssuedBy).HasMaxLength(200);
        e.HasIndex(x => x.Number).IsUnique();
        e.HasIndex(x => new { x.CountyId, x.Year, x.Sequence }).IsUnique();
        // An enterprise's statements of a year (is there a current one?), and its list.
        e.HasIndex(x => new { x.EnterpriseId, x.Year });
        e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.EnterpriseId);
        e.ToTable(t => t.HasCheckConstraint("ck_statements_total", "total_fen >= 0"));
    }
}

public sealed class StatementLineConfiguration : IEntityTypeConfiguration<StatementLineRow>
{
    public void Configure(EntityTypeBuilder<StatementLineRow> e)
    {
        e.ToTable("statement_lines");
        e.HasKey(x => new { x.StatementId, x.Line });
        e.Property(x => x.ProjectTitle).HasMaxLength(100);
        e.Property(x => x.VillageDisplayName).HasMaxLength(64);
        e.HasOne<StatementRow>().WithMany().HasForeignKey(x => x.StatementId);
        e.HasOne<ProjectRow>().WithMany().HasForeignKey(x => x.ProjectId);
        e.ToTable(t => t.HasCheckConstraint("ck_statement_lines_amount", "amount_fen >= 0"));
    }
}

public sealed class StatementSupersessionConfiguration : IEntityTypeConfiguration<StatementSupersessionRow>
{
    public void Configure(EntityTypeBuilder<StatementSupersessionRow> e)
    {
        e.ToTable("statement_supersessions");
        e.HasKey(x => x.OldStatementId);
        e.HasIndex(x => x.NewStatementId).IsUnique();
        e.Property(x => x.Reason).HasMaxLength(Boyi.Domain.Statements.StatementRules.MaxReasonChars);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.HasOne<StatementRow>().WithMany().HasForeignKey(x => x.OldStatementId);
        e.HasOne<StatementRow>().WithMany().HasForeignKey(x => x.NewStatementId);
        e.ToTable(t => t.HasCheckConstraint("ck_statement_supersessions_distinct", "old_statement_id <> new_statement_id"));
    }
}
