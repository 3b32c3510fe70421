using Boyi.Domain.Errors;

namespace Boyi.Domain.Commendations;

/// <summary>A round's life: OPEN → COMPUTED (recomputable, reviewable) → CONFIRMED → PUBLISHED (never changes again).</summary>
public enum RoundState
{
    Open = 1,
    Computed = 2,
    Confirmed = 3,
    Published = 4,
}

/// <summary>Which step of a round is allowed when, and by whom (the four-eyes rule of confirmation).</summary>
public static class RoundRules
{
    /// <summary>A cut-off lies in the scheme's year and not after today (a round cannot count what has not happened).</summary>
    public static void RequireCutOff(int year, DateOnly cutOff, DateOnly today, string field)
    {
        if (cutOff.Year != year)
            throw DomainException.Invalid(field, "OUT_OF_RANGE", $"must be a date of {year}, the scheme's year");
        if (cutOff > today)
            throw DomainException.Invalid(field, "IN_FUTURE", "must not be after today");
    }

    public static void RequireComputable(RoundState state)
    {
        if (state is not (RoundState.Open or RoundState.Computed))
            throw Refused(state, "only an open or computed round is computed (a confirmed one is published or nothing)");
    }

    public static void RequireReviewable(RoundState state)
    {
        if (state != RoundState.Computed)
            throw Refused(state, "exclusions are made on a computed round, before it is confirmed");
    }

    /// <summary>
    /// A second person confirms: not the one who computed the round and not one who excluded an enterprise from it
    /// (<c>SAME_PERSON_REVIEW</c>).
    /// </summary>
    public static void RequireConfirmable(RoundState state, string confirmer, string? computedBy, IEnumerable<string> reviewers)
    {
        if (state != RoundState.Computed)
            throw Refused(state, "only a computed round is confirmed");
        if (confirmer == computedBy)
            throw DomainException.Precondition("SAME_PERSON_REVIEW", "The round was computed by the caller; a second person confirms it.");
        if (reviewers.Contains(confirmer))
            throw DomainException.Precondition("SAME_PERSON_REVIEW", "The caller excluded an enterprise from this round; a second person confirms it.");
    }

    public static void RequirePublishable(RoundState state)
    {
        if (state != RoundState.Confirmed)
            throw Refused(state, "only a confirmed round is published");
    }

    private static DomainException Refused(RoundState state, string why) =>
        state == RoundState.Published
            ? DomainException.Precondition("ROUND_PUBLISHED", "The round is published and never changes.")
            : DomainException.Precondition("ROUND_STATE", $"The round is {state.ToString().ToUpperInvariant()}: {why}.",
                new Dictionary<string, string> { ["state"] = state.ToString().ToUpperInvariant() });
}
