using System.Text;
using Boyi.Infrastructure.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Data;

/// <summary>
/// The one database: domain data, and the identity store (ASP.NET Core Identity users, OpenIddict clients and
/// tokens, Data Protection keys), so that a backup or a restore always has all of it together.
/// </summary>
public sealed partial class BoyiDbContext(DbContextOptions<BoyiDbContext> options)
    : IdentityDbContext<BoyiUser>(options), IDataProtectionKeyContext
{
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<CountyRow> Counties => Set<CountyRow>();
    public DbSet<QuotaRuleRow> QuotaRules => Set<QuotaRuleRow>();
    public DbSet<TownRow> Towns => Set<TownRow>();
    public DbSet<VillageRow> Villages => Set<VillageRow>();
    public DbSet<HouseholdRow> Households => Set<HouseholdRow>();
    public DbSet<HouseholdMemberRow> HouseholdMembers => Set<HouseholdMemberRow>();
    public DbSet<HouseholdStatusChangeRow> HouseholdStatusChanges => Set<HouseholdStatusChangeRow>();
    public DbSet<CadreRow> Cadres => Set<CadreRow>();
    public DbSet<PairingRow> Pairings => Set<PairingRow>();
    public DbSet<PairingProposalRow> PairingProposals => Set<PairingProposalRow>();
    public DbSet<IdCounterRow> IdCounters => Set<IdCounterRow>();
    public DbSet<IdempotencyRow> IdempotencyKeys => Set<IdempotencyRow>();
    public DbSet<PreparedWriteDecisionRow> PreparedWriteDecisions => Set<PreparedWriteDecisionRow>();
    public DbSet<EnterpriseRow> Enterprises => Set<EnterpriseRow>();
    public DbSet<EnterpriseStatusChangeRow> EnterpriseStatusChanges => Set<EnterpriseStatusChangeRow>();
    public DbSet<LinkageRow> Linkages => Set<LinkageRow>();
    public DbSet<LinkageTargetRow> LinkageTargets => Set<LinkageTargetRow>();
    public DbSet<LinkageParticipantRow> LinkageParticipants => Set<LinkageParticipantRow>();
    public DbSet<LinkageStatusChangeRow> LinkageStatusChanges => Set<LinkageStatusChangeRow>();
    public DbSet<ChangeEventRow> ChangeEvents => Set<ChangeEventRow>();
    public DbSet<JobRow> Jobs => Set<JobRow>();
    public DbSet<PlacementRow> Placements => Set<PlacementRow>();
    public DbSet<ProjectRow> Projects => Set<ProjectRow>();
    public DbSet<DeliveryRow> Deliveries => Set<DeliveryRow>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        b.UseOpenIddict();
        // Identity, OpenIddict and Data Protection tables, named like the rest.
        b.Entity<BoyiUser>().ToTable("users");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityRole>().ToTable("roles");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserRole<string>>().ToTable("user_roles");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserClaim<string>>().ToTable("user_claims");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserLogin<string>>().ToTable("user_logins");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>().ToTable("user_tokens");
        b.Entity<Microsoft.AspNetCore.Identity.IdentityRoleClaim<string>>().ToTable("role_claims");
        b.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>().ToTable("oidc_applications");
        b.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreAuthorization>().ToTable("oidc_authorizations");
        b.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreScope>().ToTable("oidc_scopes");
        b.Entity<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().ToTable("oidc_tokens");
        b.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        b.Entity<CountyRow>(e =>
        {
            e.ToTable("counties");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DisplayName).HasMaxLength(64);
            // A county belongs to the province its code names (450923 → 450000), so no writer can set it wrongly.
            e.Property(x => x.ProvinceId).HasComputedColumnSql("id / 10000 * 10000", stored: true);
            e.HasOne<Provinces.ProvinceRow>().WithMany().HasForeignKey(x => x.ProvinceId);
            e.HasIndex(x => new { x.ProvinceId, x.Id });
        });

        b.Entity<QuotaRuleRow>(e =>
        {
            e.ToTable("quota_rules");
            e.HasKey(x => new { x.CountyId, x.Rank });
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        });

        b.Entity<TownRow>(e =>
        {
            e.ToTable("towns");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DisplayName).HasMaxLength(64);
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
            e.HasIndex(x => new { x.CountyId, x.DisplayName }).IsUnique();
        });

        b.Entity<VillageRow>(e =>
        {
            e.ToTable("villages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.DisplayName).HasMaxLength(64);
            // 0 (not set) for every writer that does not know the figure: imports, COPY, older tools.
            e.Property(x => x.RegisteredRuralPopulation).HasDefaultValue(0);
            e.HasOne<TownRow>().WithMany().HasForeignKey(x => x.TownId);
            e.HasIndex(x => new { x.TownId, x.DisplayName }).IsUnique();
            e.HasIndex(x => x.CountyId);
        });

        b.Entity<HouseholdRow>(e =>
        {
            e.ToTable("households");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.HeadName).HasMaxLength(64);
            e.Ignore(x => x.Phone);
            e.Property(x => x.DeleteReason).HasMaxLength(500);
            // A household id starts with its village code, so every area (village, town, county) is a range of
            // the primary key: no index per area column is needed, and writes maintain fewer indexes. The foreign
            // key to villages is therefore declared in the migration, not here, or EF would add an index for it.
            // The uncovered list and the planner read exactly these rows.
            e.HasIndex(x => x.Id)
                .HasDatabaseName("ix_households_uncovered")
                .HasFilter("delete_time IS NULL AND NOT is_paired AND status IN (1, 3)");
            e.ToTable(t =>
            {
                t.HasCheckConstraint("ck_households_income", "per_capita_income_fen >= 0");
                t.HasCheckConstraint("ck_households_lifted_year",
                    "(status = 1) = (lifted_year IS NULL)");
            });
        });

        b.Entity<HouseholdMemberRow>(e =>
        {
            e.ToTable("household_members");
            e.HasKey(x => new { x.HouseholdId, x.MemberId });
            e.Property(x => x.FullName).HasMaxLength(64);
            e.Ignore(x => x.IdCardNumber);
            e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
            // One person is on one live household card: unique on the keyed hash, as the number is only stored encrypted.
            e.HasIndex(x => x.IdCardHash)
                .IsUnique()
                .HasDatabaseName("ux_household_members_id_card_live")
                .HasFilter("NOT household_deleted");
        });

        b.Entity<HouseholdStatusChangeRow>(e =>
        {
            e.ToTable("household_status_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
            e.HasIndex(x => new { x.HouseholdId, x.Id });
        });

        b.Entity<CadreRow>(e =>
        {
            e.ToTable("cadres");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.FullName).HasMaxLength(64);
            e.Property(x => x.Unit).HasMaxLength(128);
            e.Ignore(x => x.Phone);
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
            e.HasOne<TownRow>().WithMany().HasForeignKey(x => x.LinkedTownId);
            e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.LinkedVillageId);
            e.HasIndex(x => new { x.LinkedTownId, x.Id });
            e.HasIndex(x => new { x.LinkedVillageId, x.Id });
            e.ToTable(t => t.HasCheckConstraint("ck_cadres_active_pairings", "active_pairings >= 0"));
        });

        b.Entity<PairingRow>(e =>
        {
            e.ToTable("pairings");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.ContactCardNumber).HasMaxLength(32);
            e.Property(x => x.EndReason).HasMaxLength(500);
            e.HasOne<CadreRow>().WithMany().HasForeignKey(x => x.CadreId);
            e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
            e.HasIndex(x => x.ContactCardNumber).IsUnique();
            // A household has at most one cadre at a time.
            e.HasIndex(x => x.HouseholdId)
                .IsUnique()
                .HasDatabaseName("ux_pairings_active_household")
                .HasFilter("end_date IS NULL");
            e.HasIndex(x => new { x.HouseholdId, x.Id });
            e.HasIndex(x => new { x.CadreId, x.Id });
        });

        b.Entity<PairingProposalRow>(e =>
        {
            e.ToTable("pairing_proposals");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
        });

        b.Entity<IdCounterRow>(e =>
        {
            e.ToTable("id_counters");
            e.HasKey(x => new { x.CountyId, x.Kind });
            e.Property(x => x.Kind).HasMaxLength(32);
        });

        b.Entity<IdempotencyRow>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.Caller, x.RequestId });
            e.Property(x => x.Caller).HasMaxLength(200);
            e.Property(x => x.Method).HasMaxLength(200);
            e.HasIndex(x => x.CreateTime);
        });

        b.Entity<EnterpriseRow>(e =>
        {
            e.ToTable("enterprises");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.CreditCode).HasMaxLength(18);
            e.Property(x => x.DisplayName).HasMaxLength(100);
            e.Property(x => x.LegalRepresentative).HasMaxLength(64);
            e.Property(x => x.ContactName).HasMaxLength(64);
            e.Ignore(x => x.ContactPhone);
            e.Property(x => x.StatusReason).HasMaxLength(500);
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
            e.HasOne<TownRow>().WithMany().HasForeignKey(x => x.TownId);
            // A credit code registers once, whatever became of the first registration.
            e.HasIndex(x => x.CreditCode).IsUnique();
            e.HasIndex(x => new { x.TownId, x.Id });
        });

        b.Entity<EnterpriseStatusChangeRow>(e =>
        {
            e.ToTable("enterprise_status_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.EnterpriseId);
            e.HasIndex(x => new { x.EnterpriseId, x.Id });
        });

        b.Entity<LinkageRow>(e =>
        {
            e.ToTable("linkages");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.ModelNote).HasMaxLength(500);
            e.Property(x => x.ProducePurchase).HasMaxLength(500);
            e.Property(x => x.StatusReason).HasMaxLength(500);
            e.Property(x => x.ProposedBy).HasMaxLength(200);
            e.HasOne<CountyRow>().WithMany().HasForeignKey(x => x.CountyId);
            e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.LeadEnterpriseId);
            e.HasIndex(x => new { x.LeadEnterpriseId, x.Id });
            e.ToTable(t =>
            {
                t.HasCheckConstraint("ck_linkages_commitments", "funds_pledged_fen >= 0 AND jobs_pledged >= 0 AND training_sessions >= 0");
                t.HasCheckConstraint("ck_linkages_period", "end_date >= start_date");
            });
        });

        b.Entity<LinkageTargetRow>(e =>
        {
            e.ToTable("linkage_targets");
            e.HasKey(x => new { x.LinkageId, x.Seq });
            e.HasOne<LinkageRow>().WithMany().HasForeignKey(x => x.LinkageId);
            e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.VillageId);
            e.HasOne<HouseholdRow>().WithMany().HasForeignKey(x => x.HouseholdId);
            // A village or household is held by at most one one-helps-one linkage at a time: the database decides
            // between concurrent proposals.
            e.HasIndex(x => x.VillageId).IsUnique().HasDatabaseName("ux_linkage_targets_village_exclusive")
                .HasFilter("exclusive_hold AND village_id IS NOT NULL");
            e.HasIndex(x => x.HouseholdId).IsUnique().HasDatabaseName("ux_linkage_targets_household_exclusive")
                .HasFilter("exclusive_hold AND household_id IS NOT NULL");
            e.HasIndex(x => new { x.TownId, x.LinkageId });
            e.ToTable(t => t.HasCheckConstraint("ck_linkage_targets_one_kind", "(village_id IS NULL) <> (household_id IS NULL)"));
        });

        b.Entity<LinkageParticipantRow>(e =>
        {
            e.ToTable("linkage_participants");
            e.HasKey(x => new { x.LinkageId, x.EnterpriseId });
            e.HasOne<LinkageRow>().WithMany().HasForeignKey(x => x.LinkageId);
            e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.EnterpriseId);
            e.HasIndex(x => new { x.EnterpriseId, x.LinkageId });
        });

        b.Entity<LinkageStatusChangeRow>(e =>
        {
            e.ToTable("linkage_status_changes");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.HasOne<LinkageRow>().WithMany().HasForeignKey(x => x.LinkageId);
            e.HasIndex(x => new { x.LinkageId, x.Id });
        });

        b.Entity<ChangeEventRow>(e =>
        {
            e.ToTable("change_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Object).HasMaxLength(64);
            e.Property(x => x.Change).HasMaxLength(64);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.HasIndex(x => new { x.CountyId, x.Id });
        });

        b.Entity<JobRow>(e =>
        {
            e.ToTable("jobs");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Title).HasMaxLength(100);
            e.Property(x => x.Requirements).HasMaxLength(500);
            e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.EnterpriseId);
            e.HasOne<TownRow>().WithMany().HasForeignKey(x => x.TownId);
            e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.VillageId);
            e.HasIndex(x => new { x.EnterpriseId, x.Id });
            e.ToTable(t =>
            {
                t.HasCheckConstraint("ck_jobs_openings", "openings > 0 AND monthly_wage_fen >= 0");
                t.HasCheckConstraint("ck_jobs_period", "open_until >= open_from");
            });
        });

        b.Entity<PlacementRow>(e =>
        {
            e.ToTable("placements");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.HasOne<JobRow>().WithMany().HasForeignKey(x => x.JobId);
            e.HasOne<HouseholdMemberRow>().WithMany().HasForeignKey(x => new { x.HouseholdId, x.MemberId });
            // A person holds one placement at a time.
            e.HasIndex(x => new { x.HouseholdId, x.MemberId }).IsUnique().HasDatabaseName("ux_placements_active_member").HasFilter("end_date IS NULL");
            e.HasIndex(x => new { x.JobId, x.Id });
            e.HasIndex(x => new { x.EnterpriseId, x.Id });
            e.ToTable(t => t.HasCheckConstraint("ck_placements_wage", "monthly_wage_fen >= 0"));
        });

        b.Entity<ProjectRow>(e =>
        {
            e.ToTable("projects");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Title).HasMaxLength(100);
            e.HasOne<EnterpriseRow>().WithMany().HasForeignKey(x => x.EnterpriseId);
            e.HasOne<VillageRow>().WithMany().HasForeignKey(x => x.VillageId);
            e.HasIndex(x => new { x.EnterpriseId, x.Id });
            e.ToTable(t => t.HasCheckConstraint("ck_projects_money", "pledged_fen > 0 AND delivered_fen >= 0"));
        });

        b.Entity<DeliveryRow>(e =>
        {
            e.ToTable("deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).UseIdentityAlwaysColumn();
            e.Property(x => x.Note).HasMaxLength(500);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.HasOne<ProjectRow>().WithMany().HasForeignKey(x => x.ProjectId);
            e.HasIndex(x => new { x.ProjectId, x.Id });
            e.ToTable(t => t.HasCheckConstraint("ck_deliveries_amount", "amount_fen > 0"));
        });

        b.Entity<PreparedWriteDecisionRow>(e =>
        {
            e.ToTable("prepared_write_decisions");
            e.HasKey(x => x.GidPrefix);
            e.Property(x => x.GidPrefix).HasMaxLength(100);
        });

        // Tables configured in their own files (IEntityTypeConfiguration, or a part of this class), e.g. the subsidy
        // ledger and the loans.
        b.ApplyConfigurationsFromAssembly(typeof(BoyiDbContext).Assembly);
        ConfigureLoans(b);
        Background.BackgroundModel.Configure(b);

        foreach (var entity in b.Model.GetEntityTypes())
        {
            entity.SetTableName(SnakeCase(entity.GetTableName()!));
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.Name));
            foreach (var key in entity.GetKeys())
                key.SetName(SnakeCase(key.GetName()!));
            foreach (var fk in entity.GetForeignKeys())
                fk.SetConstraintName(SnakeCase(fk.GetConstraintName()!));
            foreach (var index in entity.GetIndexes())
                index.SetDatabaseName(SnakeCase(index.GetDatabaseName()!));
        }
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }
}
