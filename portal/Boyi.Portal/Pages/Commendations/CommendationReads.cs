using Boyi.Contracts.V1;
using Grpc.Core;

namespace Boyi.Portal.Pages.Commendations;

/// <summary>
/// What the commendation pages read from the core, as the signed-in person (the server narrows an enterprise user to
/// its own standing and awards): every page of a list, and the scheme revision a round was computed on.
/// </summary>
public static class CommendationReads
{
    public static Task<List<CommendationRound>> RoundsAsync(BoyiApi api, string county, CallOptions o) =>
        BoyiApi.AllAsync<CommendationRound>(async t => (await api.Commendations.ListCommendationRoundsAsync(
            new ListCommendationRoundsRequest { Parent = county, PageSize = 100, PageToken = t }, o)) is var r ? (r.Rounds, r.NextPageToken) : default);

    /// <summary>A category's standings; the REVIEW view adds the metric values and exclusions the person may read.</summary>
    public static Task<List<CommendationStanding>> StandingsAsync(BoyiApi api, string round, string category, CallOptions o,
        CommendationStandingView view = CommendationStandingView.Basic) =>
        BoyiApi.AllAsync<CommendationStanding>(async t => (await api.Commendations.ListCommendationStandingsAsync(
            new ListCommendationStandingsRequest { Parent = round, Category = category, PageSize = 500, PageToken = t, View = view }, o)) is var r
            ? (r.Standings, r.NextPageToken) : default);

    public static Task<List<CommendationAward>> AwardsAsync(BoyiApi api, string parent, CallOptions o) =>
        BoyiApi.AllAsync<CommendationAward>(async t => (await api.Commendations.ListCommendationAwardsAsync(
            new ListCommendationAwardsRequest { Parent = parent, PageSize = 500, PageToken = t }, o)) is var r ? (r.Awards, r.NextPageToken) : default);

    /// <summary>A round, or null when the server shows this person none by that name.</summary>
    public static async Task<CommendationRound?> RoundAsync(BoyiApi api, string name, CallOptions o)
    {
        try
        {
            return (await api.Commendations.GetCommendationRoundAsync(new GetCommendationRoundRequest { Name = name }, o)).Round;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    /// <summary>
    /// The scheme as the round keeps it (the revision it was opened on, not a later one): categories' names, weights and
    /// the benefits' names. Null if the county has no scheme of that year.
    /// </summary>
    public static async Task<CommendationScheme?> SchemeOfAsync(BoyiApi api, CommendationRound round, CallOptions o)
    {
        var token = "";
        do
        {
            ListCommendationSchemeRevisionsResponse page;
            try
            {
                page = await api.Commendations.ListCommendationSchemeRevisionsAsync(new ListCommendationSchemeRevisionsRequest
                {
                    Parent = CommendationLabels.SchemeOf(round), PageSize = 50, PageToken = token,
                }, o);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.NotFound)
            {
                return null;
            }
            if (page.Revisions.FirstOrDefault(r => r.Name == round.SchemeRevision) is { } found)
                return found.Scheme;
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return null;
    }

    /// <summary>The scheme of a county's year (its latest revision), or null when there is none yet (or the year is outside the server's range).</summary>
    public static async Task<CommendationScheme?> SchemeAsync(BoyiApi api, string name, CallOptions o)
    {
        try
        {
            return (await api.Commendations.GetCommendationSchemeAsync(new GetCommendationSchemeRequest { Name = name }, o)).Scheme;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.InvalidArgument)
        {
            return null;
        }
    }

    /// <summary>An enterprise's standing explained, or null when it took no part (or the round is not computed yet).</summary>
    public static async Task<ExplainCommendationStandingResponse?> ExplainAsync(BoyiApi api, string round, string enterprise, CallOptions o)
    {
        try
        {
            return await api.Commendations.ExplainCommendationStandingAsync(new ExplainCommendationStandingRequest
            {
                Name = $"{round}/standings/{CommendationLabels.IdOf(enterprise)}",
            }, o);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.NotFound or StatusCode.FailedPrecondition)
        {
            return null;
        }
    }
}
