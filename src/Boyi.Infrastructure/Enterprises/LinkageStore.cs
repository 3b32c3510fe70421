using Boyi.Domain.Enterprises;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Registry;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Infrastructure.Enterprises;

/// <summary>A linkage with its targets and invited enterprises, as read together.</summary>
/// <param name="LeadTownId">The town the lead enterprise is stationed in (proximity: is a target in it?).</param>
public sealed record LinkageRecord(LinkageRow Linkage, IReadOnlyList<LinkageTargetRow> Targets, IReadOnlyList<LinkageParticipantRow> Participants,
    long LeadTownId);

/// <summary>What a proposal asks for: the linkage's fields, its targets and (many-helps-one) the invited enterprises.</summary>
public sealed record LinkageDraft(LinkageRow Linkage, IReadOnlyList<long> Villages, IReadOnlyList<long> Households, IReadOnlyList<long> Invited);

/// <summary>Which linkages a list is about; <see cref="Enterprise"/> keeps those it leads or was invited to.</summary>
public sealed record LinkageQuery(int CountyId, long? Enterprise = null, long? TownId = null, LinkageStatus? Status = null);

/// <summary>
/// Linkages of enterprises with villages and households: proposals, the lifecycle decided by staff and enterprises,
/// invitations of many-helps-one. One-helps-one exclusivity is a partial unique index on the targets.
/// </summary>
public sealed class LinkageStore(Database database, TimeProvider clock)
{
    public async Task<LinkageRecord> ProposeAsync(BoyiDbContext db, LinkageDraft draft, string actor, CancellationToken ct)
    {
        var row = draft.Linkage;
        var lead = await db.Enterprises.FromSql($"SELECT * FROM enterprises WHERE id = {row.LeadEnterpriseId} FOR SHARE").AsNoTracking().FirstOrDefaultAsync(ct)
            ?? throw DomainException.NotFound("enterprise", $"enterprises/{row.LeadEnterpriseId}");
        if (lead.Status != EnterpriseStatus.Approved)
            throw DomainException.Precondition("ENTERPRISE_NOT_APPROVED", "Only an approved enterprise proposes linkages.");
        row.CountyId = lead.CountyId;

        var v = new Violations();
        var villages = await db.Villages.AsNoTracking().Where(x => draft.Villages.Contains(x.Id)).ToDictionaryAsync(x => x.Id, ct);
        var households = await db.Households.AsNoTracking().Where(x => draft.Households.Contains(x.Id) && x.DeleteTime == null)
            .Select(x => new { x.Id, x.TownId, x.CountyId }).ToDictionaryAsync(x => x.Id, ct);
        for (var i = 0; i < draft.Villages.Count; i++)
            if (!villages.TryGetValue(draft.Villages[i], out var village) || village.CountyId != lead.CountyId)
                v.Add($"linkage.targets[{i}]", "NOT_FOUND", "is not a village of the enterprise's county");
        for (var i = 0; i < draft.Households.Count; i++)
            if (!households.TryGetValue(draft.Households[i], out var household) || household.CountyId != lead.CountyId)
                v.Add($"linkage.targets[{draft.Villages.Count + i}]", "NOT_FOUND", "is not a household of the enterprise's county");
        var invited = await db.Enterprises.AsNoTracking().Where(x => draft.Invited.Contains(x.Id))
            .Select(x => new { x.Id, x.CountyId, x.Status }).ToDictionaryAsync(x => x.Id, ct);
        for (var i = 0; i < draft.Invited.Count; i++)
        {
            if (draft.Invited[i] == lead.Id)
                v.Add($"linkage.invited_enterprises[{i}]", "LEAD_ENTERPRISE", "the lead does not invite itself");
            else if (!invited.TryGetValue(draft.Invited[i], out var e) || e.CountyId != lead.CountyId || e.Status != EnterpriseStatus.Approved)
                v.Add($"linkage.invited_enterprises[{i}]", "NOT_AN_APPROVED_ENTERPRISE", "must be an approved enterprise of the county");
        }
        v.ThrowIfAny();

        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        var seq = await IdAllocator.ReserveAsync(conn, lead.CountyId, "linkage", 1, ct);
        var now = clock.UtcNow();
        row.Id = lead.CountyId * Ids.LinkageSeqFactor + seq;
        row.Status = LinkageStatus.Proposed;
        row.ProposedBy = actor;
        row.Version = 1;
        row.CreateTime = now;
        row.UpdateTime = now;
        db.Linkages.Add(row);
        var exclusive = row.Mode == LinkageMode.OneHelpsOne;
        short n = 0;
        var targets = draft.Villages.Select(id => new LinkageTargetRow { LinkageId = row.Id, Seq = n++, VillageId = id, TownId = villages[id].TownId, ExclusiveHold = exclusive })
            .Concat(draft.Households.Select(id => new LinkageTargetRow { LinkageId = row.Id, Seq = n++, HouseholdId = id, TownId = households[id].TownId, ExclusiveHold = exclusive }))
            .ToList();
        db.LinkageTargets.AddRange(targets);
        var participants = draft.Invited.Distinct().Select(id => new LinkageParticipantRow { LinkageId = row.Id, EnterpriseId = id, State = InvitationState.Invited }).ToList();
        db.LinkageParticipants.AddRange(participants);
        db.LinkageStatusChanges.Add(new LinkageStatusChangeRow { LinkageId = row.Id, ToStatus = LinkageStatus.Proposed, Actor = actor, Reason = "proposed", ChangeTime = now });
        await ChangeLog.RecordAsync(db, row.CountyId, $"linkages/{row.Id}", "linkage.proposed", actor, now, ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg
            && pg.ConstraintName?.StartsWith("ux_linkage_targets_", StringComparison.Ordinal) == true)
        {
            throw TargetTaken();
        }
        return new LinkageRecord(row, targets, participants, lead.TownId);
    }

    public async Task<LinkageRecord> GetAsync(long id, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var row = await db.Linkages.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct) ?? throw NotFound(id);
        return await WithPartsAsync(db, row, ct);
    }

    public async Task<List<LinkageRecord>> ListAsync(LinkageQuery q, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        var from = q.CountyId * Ids.LinkageSeqFactor;
        var rows = db.Linkages.AsNoTracking().Where(x => x.Id >= from && x.Id < from + Ids.LinkageSeqFactor);
        if (q.Enterprise is { } e)
            rows = rows.Where(x => x.LeadEnterpriseId == e || db.LinkageParticipants.Any(p => p.LinkageId == x.Id && p.EnterpriseId == e));
        if (q.TownId is { } town)
            rows = rows.Where(x => db.LinkageTargets.Any(t => t.LinkageId == x.Id && t.TownId == town));
        if (q.Status is { } status)
            rows = rows.Where(x => x.Status == status);
        if (after is not null)
            rows = rows.Where(x => x.Id > after);
        var page = await rows.OrderBy(x => x.Id).Take(take).ToListAsync(ct);
        var ids = page.Select(x => x.Id).ToList();
        var targets = (await db.LinkageTargets.AsNoTracking().Where(t => ids.Contains(t.LinkageId)).OrderBy(t => t.Seq).ToListAsync(ct)).ToLookup(t => t.LinkageId);
        var participants = (await db.LinkageParticipants.AsNoTracking().Where(p => ids.Contains(p.LinkageId)).ToListAsync(ct)).ToLookup(p => p.LinkageId);
        var leads = page.Select(x => x.LeadEnterpriseId).Distinct().ToList();
        var towns = await db.Enterprises.AsNoTracking().Where(e => leads.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.TownId, ct);
        return page.Select(x => new LinkageRecord(x, targets[x.Id].ToList(), participants[x.Id].OrderBy(p => p.EnterpriseId).ToList(),
            towns[x.LeadEnterpriseId])).ToList();
    }

    /// <summary>
    /// A lifecycle step under the linkage's row lock: the etag must match, <paramref name="check"/> (who may take the
    /// step, what it needs) sees the current record, and a linkage that no longer holds releases its one-helps-one targets.
    /// </summary>
    public async Task<LinkageRecord> MoveAsync(BoyiDbContext db, long id, int? expectedVersion, LinkageStatus to, string? reason, string actor,
        Action<LinkageRecord> check, CancellationToken ct)
    {
        var row = await db.Linkages.FromSql($"SELECT * FROM linkages WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);
        RegistryStore.CheckVersion(expectedVersion, row.Version, $"linkages/{id}");
        var record = await WithPartsAsync(db, row, ct);
        check(record);
        var from = row.Status;
        row.Status = LinkageRules.Move(from, to);
        row.StatusReason = reason;
        row.Version++;
        row.UpdateTime = clock.UtcNow();
        db.LinkageStatusChanges.Add(new LinkageStatusChangeRow { LinkageId = id, FromStatus = from, ToStatus = to, Actor = actor, Reason = reason, ChangeTime = row.UpdateTime });
        await ChangeLog.RecordAsync(db, row.CountyId, $"linkages/{id}", $"linkage.{to.ToString().ToLowerInvariant()}", actor, row.UpdateTime, ct);
        await db.SaveChangesAsync(ct);
        if (!LinkageRules.Holds(to))
        {
            await db.LinkageTargets.Where(t => t.LinkageId == id && t.ExclusiveHold).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExclusiveHold, false), ct);
            foreach (var t in record.Targets)
                t.ExclusiveHold = false;
        }
        return record;
    }

    /// <summary>An invited enterprise accepts or declines, while the linkage is proposed, approved or active.</summary>
    public async Task<LinkageRecord> AnswerAsync(BoyiDbContext db, long id, long enterpriseId, bool accept, string actor, CancellationToken ct)
    {
        var row = await db.Linkages.FromSql($"SELECT * FROM linkages WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct) ?? throw NotFound(id);
        var participant = await db.LinkageParticipants.FirstOrDefaultAsync(p => p.LinkageId == id && p.EnterpriseId == enterpriseId, ct)
            ?? throw NotFound(id);
        if (!LinkageRules.Holds(row.Status))
            throw DomainException.Precondition("LINKAGE_CLOSED", "The linkage is no longer open to answers.");
        if (participant.State != InvitationState.Invited)
            throw DomainException.Precondition("ALREADY_ANSWERED", "The invitation was already answered.");
        participant.State = accept ? InvitationState.Accepted : InvitationState.Declined;
        participant.AnswerTime = clock.UtcNow();
        row.Version++;
        row.UpdateTime = participant.AnswerTime.Value;
        await ChangeLog.RecordAsync(db, row.CountyId, $"linkages/{id}", accept ? "linkage.invitation_accepted" : "linkage.invitation_declined", actor, row.UpdateTime, ct);
        await db.SaveChangesAsync(ct);
        return await WithPartsAsync(db, row, ct);
    }

    /// <summary>
    /// Poor villages open to a one-helps-one linkage (none holds them), nearest the enterprise first: its own town,
    /// then the county's other towns in code order.
    /// </summary>
    public async Task<List<long>> NearbyCandidatesAsync(int countyId, long townId, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.Villages.AsNoTracking()
            .Where(v => v.CountyId == countyId && v.Poor && !db.LinkageTargets.Any(t => t.VillageId == v.Id && t.ExclusiveHold))
            .OrderBy(v => v.TownId == townId ? 0 : 1).ThenBy(v => v.Id)
            .Select(v => v.Id).Take(take).ToListAsync(ct);
    }

    public async Task<List<LinkageStatusChangeRow>> ListStatusChangesAsync(long id, long? after, int take, CancellationToken ct)
    {
        await using var db = database.CreateContext();
        return await db.LinkageStatusChanges.AsNoTracking()
            .Where(c => c.LinkageId == id && (after == null || c.Id > after))
            .OrderBy(c => c.Id).Take(take).ToListAsync(ct);
    }

    private static async Task<LinkageRecord> WithPartsAsync(BoyiDbContext db, LinkageRow row, CancellationToken ct) =>
        new(row,
            await db.LinkageTargets.AsNoTracking().Where(t => t.LinkageId == row.Id).OrderBy(t => t.Seq).ToListAsync(ct),
            await db.LinkageParticipants.AsNoTracking().Where(p => p.LinkageId == row.Id).OrderBy(p => p.EnterpriseId).ToListAsync(ct),
            await db.Enterprises.Where(e => e.Id == row.LeadEnterpriseId).Select(e => e.TownId).SingleAsync(ct));

    private static DomainException NotFound(long id) => DomainException.NotFound("linkage", $"linkages/{id}");

    private static DomainException TargetTaken() =>
        DomainException.Precondition("TARGET_IN_ONE_HELPS_ONE",
            "A target is already in another one-helps-one linkage; other enterprises join it through many-helps-one.");
}
