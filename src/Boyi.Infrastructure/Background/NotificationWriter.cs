using System.Text.RegularExpressions;
using Npgsql;

namespace Boyi.Infrastructure.Background;

/// <summary>Who a notification is for: one person, one enterprise (all its users), or everyone with a role in an area.</summary>
public sealed record NotificationRecipient(NotificationRecipientKind Kind, string? UserId = null, long? EnterpriseId = null,
    string? Role = null, int? CountyId = null, long? TownId = null)
{
    public static NotificationRecipient Person(string userId) => new(NotificationRecipientKind.Person, UserId: userId);

    public static NotificationRecipient Enterprise(long enterpriseId) => new(NotificationRecipientKind.Enterprise, EnterpriseId: enterpriseId);

    /// <summary>Everyone holding <paramref name="role"/> in the county, or only in <paramref name="townId"/> when given.</summary>
    public static NotificationRecipient RoleIn(string role, int countyId, long? townId = null) =>
        new(NotificationRecipientKind.RoleInArea, Role: role, CountyId: countyId, TownId: townId);
}

/// <summary>
/// A notification to write: <paramref name="Kind"/> is a stable UPPER_SNAKE code (LOAN_OVERDUE), <paramref name="Text"/>
/// what the recipient reads, <paramref name="Link"/> a portal path ("/loans/45092300001") or null.
/// </summary>
public sealed record NewNotification(NotificationRecipient Recipient, string Kind, string Text, string? Link = null);

/// <summary>
/// The one way to notify anyone: inside the transaction of the change that causes it, so a rolled-back change
/// notifies nobody. Delivery to an outside channel (the webhook) follows from the committed row
/// (Boyi.Server's NotificationDispatchJob); with no channel configured the row is for the portal only.
/// </summary>
public sealed partial class NotificationWriter(bool deliverOutside)
{
    public async Task<long> AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NewNotification n, DateTime now, CancellationToken ct)
    {
        Check(n);
        var r = n.Recipient;
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO notifications (recipient_kind, recipient_user_id, recipient_enterprise_id, recipient_role, recipient_county_id, " +
            "recipient_town_id, kind, text, link, create_time, delivery_state, delivery_attempts) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0) RETURNING id", conn, tx);
        cmd.Parameters.Add(new() { Value = (short)r.Kind });
        cmd.Parameters.Add(new() { Value = (object?)r.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new() { Value = (object?)r.EnterpriseId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = (object?)r.Role ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new() { Value = (object?)r.CountyId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        cmd.Parameters.Add(new() { Value = (object?)r.TownId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new() { Value = n.Kind });
        cmd.Parameters.Add(new() { Value = n.Text });
        cmd.Parameters.Add(new() { Value = (object?)n.Link ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
        cmd.Parameters.Add(new() { Value = now });
        cmd.Parameters.Add(new() { Value = (short)(deliverOutside ? NotificationDelivery.Pending : NotificationDelivery.PortalOnly) });
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Mistakes of the calling code, not of users: the text goes to an outside channel as it is, so it must carry
    /// nothing the recipient may not see. Nothing shaped like a mobile number (11 digits from 13…19) or an ID-card
    /// number (17 digits and a digit or X) is accepted in it or in the link; Boyi's own ids (households 17 digits,
    /// loans, enterprises) are fine.
    /// </summary>
    private static void Check(NewNotification n)
    {
        if (!KindPattern().IsMatch(n.Kind) || n.Kind.Length > BackgroundModel.MaxKindChars)
            throw new ArgumentException($"The notification kind '{n.Kind}' must be UPPER_SNAKE, at most {BackgroundModel.MaxKindChars} characters.", nameof(n));
        if (string.IsNullOrWhiteSpace(n.Text) || n.Text.Length > BackgroundModel.MaxTextChars)
            throw new ArgumentException($"A notification's text must be 1 to {BackgroundModel.MaxTextChars} characters.", nameof(n));
        if (n.Link is not null && (!n.Link.StartsWith('/') || n.Link.StartsWith("//", StringComparison.Ordinal) || n.Link.Length > BackgroundModel.MaxLinkChars))
            throw new ArgumentException("A notification's link must be a path of the portal (starting with one '/').", nameof(n));
        if (PersonalNumber().IsMatch(n.Text) || (n.Link is not null && PersonalNumber().IsMatch(n.Link)))
            throw new ArgumentException("A notification must not carry a phone or ID-card number.", nameof(n));
        var r = n.Recipient;
        var valid = r.Kind switch
        {
            NotificationRecipientKind.Person => !string.IsNullOrEmpty(r.UserId),
            NotificationRecipientKind.Enterprise => r.EnterpriseId is not null,
            NotificationRecipientKind.RoleInArea => !string.IsNullOrEmpty(r.Role) && r.CountyId is not null,
            _ => false,
        };
        if (!valid)
            throw new ArgumentException("The notification's recipient is incomplete.", nameof(n));
    }

    [GeneratedRegex("^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$")]
    private static partial Regex KindPattern();

    [GeneratedRegex(@"(?<![0-9])(1[3-9][0-9]{9}|[0-9]{17}[0-9Xx])(?![0-9Xx])")]
    private static partial Regex PersonalNumber();
}
