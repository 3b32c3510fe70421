using Boyi.Contracts.V1;
using Boyi.Domain.Access;
using System.Text.Json.Nodes;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Audit;
using Boyi.Infrastructure.PersonalData;
using Boyi.Server.Audit;
using Grpc.Core;

namespace Boyi.Server.Auth;

/// <summary>
/// Whether a read answers ID-card numbers and phones in full: only when asked for (FULL), with a stated reason,
/// by a caller holding the personal-data permission (clients: the `personal_data` scope; people: the roles of
/// <see cref="PersonalDataPermission"/>). Reach still applies: nobody sees numbers of households outside it.
/// </summary>
public static class PersonalDataAccess
{
    /// <summary>True for a permitted full read; throws for a FULL request without a reason or without the permission.</summary>
    public static bool Full(ServerCallContext context, PersonalDataView view, string? reason)
    {
        if (view is PersonalDataView.Unspecified or PersonalDataView.Masked)
            return false;
        if (view != PersonalDataView.Full)
            throw DomainException.Invalid("personal_data_view", "INVALID_VALUE", "must be MASKED or FULL");
        var trimmed = reason?.Trim() ?? "";
        if (trimmed.Length == 0)
            throw DomainException.Invalid("personal_data_reason", "REQUIRED", "say why the full numbers are needed (it is recorded)");
        if (Domain.Validation.TextRules.CodePoints(trimmed) > PersonalDataPermission.MaxReasonLength)
            throw DomainException.Invalid("personal_data_reason", "TOO_LONG", $"at most {PersonalDataPermission.MaxReasonLength} characters");
        // The reason goes into the audit log, which holds no personal data.
        if (SensitiveText.FindIdCardNumbers(trimmed).Any() || SensitiveText.FindMobilePhones(trimmed).Any())
            throw DomainException.Invalid("personal_data_reason", "CONTAINS_PERSONAL_DATA", "say why without ID-card or phone numbers");
        if (!Permitted(context))
            throw NotPermitted(context, "Full ID-card numbers and phones need the scope '{0}'.", "Your role sees ID-card numbers and phones masked only.");
        return true;
    }

    /// <summary>Whether the caller holds the personal-data permission (clients: the scope; people: a role).</summary>
    public static bool Permitted(ServerCallContext context)
    {
        var caller = context.Caller();
        return caller.Kind switch
        {
            CallerKind.Client => caller.HasScope(Scopes.PersonalData),
            CallerKind.Person => caller.Roles.Any(PersonalDataPermission.Roles.Contains),
            _ => false,
        };
    }

    /// <summary>
    /// Refuses writing an ID-card number that the caller could not read in full. Otherwise a writer without the
    /// permission could confirm guessed numbers one by one: <c>ID_CARD_NUMBER_TAKEN</c> answers whether a number is
    /// already on a card anywhere in the county. A masked number sent back unchanged is not a write of a number.
    /// </summary>
    public static void RequireForNumbers(ServerCallContext context, IEnumerable<string> fields)
    {
        if (Permitted(context))
            return;
        var violations = fields.Select(f => new FieldViolation(f, "PERSONAL_DATA_NOT_PERMITTED", "entering an ID-card number needs the personal-data permission")).ToArray();
        if (violations.Length > 0)
            throw NotPermitted(context, "Entering ID-card numbers needs the scope '{0}'.", "Your role may not enter ID-card numbers.", violations);
    }

    private static DomainException NotPermitted(ServerCallContext context, string clientMessage, string personMessage, FieldViolation[]? violations = null) =>
        new(ErrorKind.PermissionDenied, "PERSONAL_DATA_NOT_PERMITTED",
            context.Caller().Kind == CallerKind.Client ? string.Format(clientMessage, Scopes.PersonalData) : personMessage,
            violations, new Dictionary<string, string> { ["scope"] = Scopes.PersonalData });

    /// <summary>
    /// Records a full read before its answer leaves: who, what (a household or cadre, or the area of a list or an
    /// export, with how many records), why. If it cannot be recorded, the read fails rather than go unrecorded.
    /// </summary>
    public static Task AuditAsync(AuditLog audit, ServerCallContext context, string obj, string? reason, int? records) =>
        audit.RecordAsync(context.GetHttpContext(), AuditActions.PersonalDataUnmask, obj, AuditOutcomes.Ok, new JsonObject
        {
            ["method"] = context.Method,
            ["reason"] = reason?.Trim(),
            ["records"] = records,
        }, ct: context.CancellationToken);
}
