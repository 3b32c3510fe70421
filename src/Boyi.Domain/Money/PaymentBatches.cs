using Boyi.Domain.Errors;

namespace Boyi.Domain.Money;

/// <summary>
/// Where a payment batch is. A batch is built as a <see cref="Draft"/> (its rows leave "due" in the same transaction)
/// and reviewed as such; a second person approves it; once the finance bureau has its export and has paid, it is
/// marked <see cref="Paid"/> with its rows, and never changes again. A draft or an approved batch that is not paid can
/// be <see cref="Cancelled"/>, which gives its rows back (due again, for a later batch).
/// </summary>
/// <remarks>
/// There is no separate "in review" state: a draft is what reviewers look at (its rows, payees and totals), and
/// approval is the review's outcome. Exporting is not a state either: an approved batch has an export or not
/// (<c>export_time</c>), and only an exported batch can be marked paid, because the bureau pays from the sheet.
/// </remarks>
public enum PaymentBatchState
{
    Draft = 1,
    Approved = 2,
    Paid = 3,
    Cancelled = 4,
}

/// <summary>The steps of a payment batch, checked before the store writes them.</summary>
public static class PaymentBatchRules
{
    /// <summary>Kinds the county pays: a dividend is owed by an enterprise to a household, never by the county.</summary>
    public static bool IsPaidByCounty(SubsidyKind kind) => kind is SubsidyKind.Employment or SubsidyKind.Interest;

    /// <summary>
    /// The rows a batch takes of those due: every row of a payee whose rows net above zero; a payee whose rows net to
    /// zero or less (a correction taking back more than is due beside it) is left out with all its rows, which wait
    /// for a later batch where more is due to it. The bureau pays one transfer per payee, so a negative total cannot
    /// be paid, and a payee's negative correction must not lower what another payee is paid.
    /// </summary>
    public static IReadOnlyList<T> NetByPayee<T>(IEnumerable<T> due, Func<T, (PayeeKind Kind, long Id)> payee, Func<T, long> amountFen) =>
        [.. due.GroupBy(payee).Where(g => g.Sum(amountFen) > 0).SelectMany(g => g)];

    /// <summary>A second person approves: whoever built the batch (same principal) may not.</summary>
    public static void CheckApproval(PaymentBatchState state, string builtBy, string approver)
    {
        if (builtBy == approver)
            throw new DomainException(ErrorKind.PermissionDenied, "BUILDER_CANNOT_APPROVE",
                "Who built a payment batch does not approve it: another member of the county staff must.");
        Require(state == PaymentBatchState.Draft, state, "approved");
    }

    public static void CheckCancel(PaymentBatchState state) =>
        Require(state is PaymentBatchState.Draft or PaymentBatchState.Approved, state, "cancelled");

    public static void CheckExport(PaymentBatchState state) =>
        Require(state is PaymentBatchState.Approved or PaymentBatchState.Paid, state, "exported");

    public static void CheckPaid(PaymentBatchState state, bool exported)
    {
        Require(state == PaymentBatchState.Approved, state, "marked paid");
        if (!exported)
            throw DomainException.Precondition("BATCH_NOT_EXPORTED",
                "The batch has not been exported: the finance bureau pays from the exported sheet, so export it first.");
    }

    private static void Require(bool allowed, PaymentBatchState state, string step)
    {
        if (!allowed)
            throw DomainException.Precondition("INVALID_STATUS_TRANSITION", $"A {state.ToString().ToLowerInvariant()} payment batch cannot be {step}.",
                new Dictionary<string, string> { ["state"] = state.ToString().ToUpperInvariant() });
    }
}
