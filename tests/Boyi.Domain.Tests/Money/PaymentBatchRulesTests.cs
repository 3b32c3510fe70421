using Boyi.Domain.Errors;
using Boyi.Domain.Money;

namespace Boyi.Domain.Tests.Money;

public sealed class PaymentBatchRulesTests
{
    [Fact]
    public void OnlyEmploymentAndInterest_ArePaidByTheCounty()
    {
        Assert.True(PaymentBatchRules.IsPaidByCounty(SubsidyKind.Employment));
        Assert.True(PaymentBatchRules.IsPaidByCounty(SubsidyKind.Interest));
        Assert.False(PaymentBatchRules.IsPaidByCounty(SubsidyKind.Dividend));
    }

    [Fact]
    public void TheBuilder_NeverApproves_AndOnlyADraftIsApproved()
    {
        var e = Assert.Throws<DomainException>(() => PaymentBatchRules.CheckApproval(PaymentBatchState.Draft, "user:a", "user:a"));
        Assert.Equal((ErrorKind.PermissionDenied, "BUILDER_CANNOT_APPROVE"), (e.Kind, e.Reason));
        PaymentBatchRules.CheckApproval(PaymentBatchState.Draft, "user:a", "user:b");
        foreach (var state in new[] { PaymentBatchState.Approved, PaymentBatchState.Paid, PaymentBatchState.Cancelled })
            Assert.Equal("INVALID_STATUS_TRANSITION", Assert.Throws<DomainException>(() => PaymentBatchRules.CheckApproval(state, "user:a", "user:b")).Reason);
    }

    [Theory]
    [InlineData(PaymentBatchState.Draft, true, false, false)]
    [InlineData(PaymentBatchState.Approved, true, true, true)]
    [InlineData(PaymentBatchState.Paid, false, true, false)]
    [InlineData(PaymentBatchState.Cancelled, false, false, false)]
    public void EachStep_NeedsTheStateItFollowsFrom(PaymentBatchState state, bool cancel, bool export, bool paid)
    {
        Assert.Equal(cancel, Allowed(() => PaymentBatchRules.CheckCancel(state)));
        Assert.Equal(export, Allowed(() => PaymentBatchRules.CheckExport(state)));
        Assert.Equal(paid, Allowed(() => PaymentBatchRules.CheckPaid(state, exported: true)));
    }

    [Fact]
    public void AnApprovedBatch_IsPaidOnlyOnceExported()
    {
        Assert.Equal("BATCH_NOT_EXPORTED", Assert.Throws<DomainException>(() => PaymentBatchRules.CheckPaid(PaymentBatchState.Approved, exported: false)).Reason);
    }

    private static bool Allowed(Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (DomainException e) when (e.Reason == "INVALID_STATUS_TRANSITION")
        {
            return false;
        }
    }
}
