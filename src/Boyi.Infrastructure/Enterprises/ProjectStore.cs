using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>Infrastructure and charity projects pledged by enterprises, and what they delivered (exact fen).</summary>
public sealed class ProjectStore(Database database, TimeProvider clock)
{
    public async Task<ProjectRow> CreateAsync(BoyiDbContext db, ProjectRow project, CancellationToken ct)
    {
        var enterprise = await EnterpriseRecords.RequireApprovedAsync(db, project.EnterpriseId, "pledges projects", ct);
        var village = await db.Villages.AsNoTracking().FirstOrDefaultAsync(v => v.Id == project.VillageId, ct);
        if (village is null || village.CountyId != enterprise.CountyId)
            throw DomainException.Invalid("project.village", "NOT_FOUND", "is not a village of the enterprise's county");
        project.Id = await EnterpriseRecords.NextIdAsync(db, enterprise.CountyId, "project", ct);
        project.CountyId = enterprise.CountyId;
        project.TownId = village.TownId;
        project.Status = ProjectStatus.Planned;
        project.Version = 1;
        project.CreateTime = project.UpdateTime = clock.UtcNow();
        db.Projects.Add(project);
        await db.SaveChangesAsync(ct);
        return project;
    }

    public async Task<ProjectRow> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) ?? throw NotFound(id);
    }

    public async Task<List<ProjectRow>> ListAsync(int countyId, long? enterpriseId, long? townId, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var from = countyId * 1_000_000L;
        var rows = db.Projects.AsNoTracking().Where(p => p.Id >= from && p.Id < from + 1_000_000L);
        if (enterpriseId is { } e)
            rows = rows.Where(p => p.EnterpriseId == e);
        if (townId is { } t)
            rows = rows.Where(p => p.TownId == t);
        if (after is not null)
            rows = rows.Where(p => p.Id > after);
        return await rows.OrderBy(p => p.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>Records a delivery; the project's delivered total and status follow in the same transaction.</summary>
    public async Task<(ProjectRow Project, DeliveryRow Delivery)> DeliverAsync(BoyiDbContext db, long id, DateOnly date, long amountFen,
        string? note, string actor, CancellationToken ct)
    {
        var project = await db.Projects.FromSql($"SELECT * FROM projects WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);
        var delivery = new DeliveryRow { ProjectId = id, Date = date, AmountFen = amountFen, Note = note, Actor = actor, CreateTime = clock.UtcNow() };
        db.Deliveries.Add(delivery);
        project.DeliveredFen = ProjectRules.DeliveredAfter(project.DeliveredFen, amountFen);
        project.Status = ProjectRules.After(project.PledgedFen, project.DeliveredFen);
        project.Version++;
        project.UpdateTime = delivery.CreateTime;
        await db.SaveChangesAsync(ct);
        return (project, delivery);
    }

    public async Task<List<DeliveryRow>> DeliveriesAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Deliveries.AsNoTracking().Where(d => d.ProjectId == id).OrderBy(d => d.Id).ToListAsync(ct);
    }

    private static DomainException NotFound(long id) => DomainException.NotFound("project", $"projects/{id}");
}
