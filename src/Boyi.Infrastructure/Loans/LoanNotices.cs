using Boyi.Domain.Access;
using Boyi.Domain.Loans;
using Boyi.Infrastructure.Background;
using Boyi.Infrastructure.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Boyi.Infrastructure.Loans;

/// <summary>The parts of a loan its notifications need (no personal data: the text goes to outside channels as it is).</summary>
public sealed record LoanNoticeSubject(long LoanId, int CountyId, long? GuarantorId, string AppliedBy);

/// <summary>
/// Who hears of a loan's steps, written in the transaction of the step: the decision on an application goes to whoever
/// applied (a person; an API client's application to the county's loan staff); a disbursement, overdue, default and
/// compensation to the guarantor enterprise, when there is one, and the county's loan staff; an overdue dividend or
/// interest, and a loan current again, to the enterprise and the county. Each links to the loan.
/// </summary>
public static class LoanNotices
{
    /// <summary>The role that handles a county's loans (decides, records what the lender reports).</summary>
    public const string LoanStaffRole = Roles.CountyAdmin;

    public static IEnumerable<NewNotification> ForStep(LoanNoticeSubject loan, LoanState to, DateOnly date)
    {
        var name = $"loans/{loan.LoanId}";
        var (kind, text) = to switch
        {
            LoanState.Approved => ("LOAN_APPROVED", $"贷款申请 {name} 已获批准。"),
            LoanState.Rejected => ("LOAN_REJECTED", $"贷款申请 {name} 未获批准。"),
            LoanState.Disbursed => ("LOAN_DISBURSED", $"贷款 {name} 已于 {date:yyyy-MM-dd} 发放。"),
            LoanState.Overdue => ("LOAN_OVERDUE", $"贷款 {name} 自 {date:yyyy-MM-dd} 起逾期。"),
            LoanState.Defaulted => ("LOAN_DEFAULTED", $"贷款 {name} 自 {date:yyyy-MM-dd} 起违约，可向风险补偿金申请代偿。"),
            LoanState.Compensated => ("LOAN_COMPENSATED", $"贷款 {name} 已由风险补偿金代偿（{date:yyyy-MM-dd}）。"),
            _ => (null, null),
        };
        if (kind is null)
            return [];
        if (to is LoanState.Approved or LoanState.Rejected)
        {
            var applicant = loan.AppliedBy.StartsWith("user:", StringComparison.Ordinal)
                ? NotificationRecipient.Person(loan.AppliedBy[5..])
                : NotificationRecipient.RoleIn(LoanStaffRole, loan.CountyId);
            return [new NewNotification(applicant, kind, text!, Link(loan.LoanId))];
        }
        return PartiesOf(loan, kind, text!);
    }

    public static IEnumerable<NewNotification> DividendOverdue(LoanNoticeSubject loan, int year, DateOnly dueDate, long amountFen) =>
        PartiesOf(loan, "DIVIDEND_OVERDUE",
            $"贷款 loans/{loan.LoanId} 第 {year} 年分红 {amountFen / 100m:0.00} 元（{dueDate:yyyy-MM-dd} 应付）已逾期未付。");

    public static IEnumerable<NewNotification> InterestOverdue(LoanNoticeSubject loan, DateOnly dueDate, long amountFen) =>
        PartiesOf(loan, "INTEREST_OVERDUE", $"贷款 loans/{loan.LoanId} 利息 {amountFen / 100m:0.00} 元（{dueDate:yyyy-MM-dd} 应付）已逾期未付。");

    /// <summary>An overdue loan whose overdue interest was paid, with nothing else overdue: current again.</summary>
    public static IEnumerable<NewNotification> Current(LoanNoticeSubject loan, DateOnly date) =>
        PartiesOf(loan, "LOAN_CURRENT", $"贷款 loans/{loan.LoanId} 的逾期款项已付清，自 {date:yyyy-MM-dd} 起恢复正常。");

    /// <summary>Writes <paramref name="notices"/> in the transaction <paramref name="db"/> is in.</summary>
    public static async Task WriteAsync(NotificationWriter writer, BoyiDbContext db, IEnumerable<NewNotification> notices, DateTime now, CancellationToken ct)
    {
        var (conn, tx) = Transaction(db);
        foreach (var n in notices)
            await writer.AddAsync(conn, tx, n, now, ct);
    }

    /// <summary>The connection and transaction <paramref name="db"/> works in, for raw statements that must commit with it.</summary>
    internal static (NpgsqlConnection, NpgsqlTransaction) Transaction(BoyiDbContext db) =>
        ((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction());

    private static IEnumerable<NewNotification> PartiesOf(LoanNoticeSubject loan, string kind, string text)
    {
        if (loan.GuarantorId is { } enterprise)
            yield return new NewNotification(NotificationRecipient.Enterprise(enterprise), kind, text, Link(loan.LoanId));
        yield return new NewNotification(NotificationRecipient.RoleIn(LoanStaffRole, loan.CountyId), kind, text, Link(loan.LoanId));
    }

    private static string Link(long loanId) => $"/loans/{loanId}";
}
