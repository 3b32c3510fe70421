using Npgsql;

namespace Boyi.Infrastructure.Background;

public sealed partial class NotificationWriter
{
    /// <summary>
    /// Writes many notifications with one statement (a job notifying thousands of cadres), each checked like
    /// <see cref="AddAsync"/>; answers how many were written.
    /// </summary>
    public async Task<int> AddManyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<NewNotification> batch, DateTime now, CancellationToken ct)
    {
        if (batch.Count == 0)
            return 0;
        foreach (var n in batch)
            Check(n);
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO notifications (recipient_kind, recipient_user_id, recipient_enterprise_id, recipient_role, recipient_county_id, " +
            "recipient_town_id, kind, text, link, create_time, delivery_state, delivery_attempts) " +
            "SELECT k, u, e, r, c, t, kind, text, link, $10, $11, 0 FROM unnest($1::smallint[], $2::varchar[], $3::bigint[], $4::varchar[], $5::int[], " +
            "$6::bigint[], $7::varchar[], $8::varchar[], $9::varchar[]) AS x(k, u, e, r, c, t, kind, text, link)", conn, tx);
        cmd.Parameters.Add(new() { Value = batch.Select(n => (short)n.Recipient.Kind).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Recipient.UserId).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Recipient.EnterpriseId).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Recipient.Role).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Recipient.CountyId).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Recipient.TownId).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Kind).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Text).ToArray() });
        cmd.Parameters.Add(new() { Value = batch.Select(n => n.Link).ToArray() });
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = (short)(deliverOutside ? NotificationDelivery.Pending : NotificationDelivery.PortalOnly) });
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
