namespace Boyi.Domain.Money;

/// <summary>What a default's claim on the risk fund pays, and what the guarantor then owes.</summary>
public readonly record struct RiskFundClaim(long FundPaysFen, long GuarantorOwesFen);

/// <summary>
/// The risk compensation fund (风险补偿金) per county and lender: deposits back loans up to a leverage multiple, and a
/// defaulted loan's outstanding principal is shared between the fund and the guarantor.
/// </summary>
public static class RiskFund
{
    /// <summary>The outstanding principal the deposits back: deposits × leverage (e.g. 10).</summary>
    public static long Capacity(long depositsFen, int leverage)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(depositsFen);
        ArgumentOutOfRangeException.ThrowIfNegative(leverage);
        return checked(depositsFen * leverage);
    }

    /// <summary>Capacity not yet used by the outstanding principal of approved loans (negative once deposits were cut).</summary>
    public static long Free(long depositsFen, int leverage, long outstandingFen) => Capacity(depositsFen, leverage) - outstandingFen;

    /// <summary>Whether a loan of <paramref name="principalFen"/> fits: outstanding + principal ≤ capacity.</summary>
    public static bool HasRoomFor(long depositsFen, int leverage, long outstandingFen, long principalFen) =>
        principalFen <= Free(depositsFen, leverage, outstandingFen);

    /// <summary>The fund pays its share of the outstanding principal, rounded half up to the fen; the guarantor owes the rest.</summary>
    public static RiskFundClaim Claim(long outstandingPrincipalFen, int fundSharePpm)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outstandingPrincipalFen);
        if (fundSharePpm is < 0 or > Exact.Million)
            throw new ArgumentOutOfRangeException(nameof(fundSharePpm), "a share is 0 … 1,000,000 ppm");
        var fund = Exact.PartOf(outstandingPrincipalFen, fundSharePpm);
        return new RiskFundClaim(fund, outstandingPrincipalFen - fund);
    }
}
