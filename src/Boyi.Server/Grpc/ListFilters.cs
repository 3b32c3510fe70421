using Boyi.Contracts.V1;
using Google.Protobuf.Reflection;

namespace Boyi.Server.Grpc;

/// <summary>
/// Every filter of every list method, in one place: the services parse with these, and the tests walk
/// <see cref="ByRequest"/> (checked against the request messages that have a `filter` field) to try every value of
/// every field, so a new filter field is covered without anyone remembering to add it.
/// </summary>
public static class ListFilters
{
    public static readonly FilterField[] Households =
    [
        FilterField.Enum<HouseholdStatus>("status", anyOf: true),
        FilterField.Bool("paired"),
        FilterField.Enum<HouseholdClassification>("classification"),
        FilterField.Bool("has_labour_capacity"),
        FilterField.Bool("willing_to_run_industry"),
    ];

    public static readonly FilterField[] Cadres = [FilterField.Enum<CadreRank>("rank"), FilterField.Bool("has_capacity")];

    public static readonly FilterField[] Enterprises = [FilterField.Enum<EnterpriseStatus>("status")];

    public static readonly FilterField[] Linkages = [FilterField.Enum<LinkageStatus>("status")];

    public static readonly FilterField[] Pairings = [FilterField.Enum<PairingState>("state")];

    public static readonly FilterField[] Villages = [FilterField.Bool("poor")];

    public static readonly FilterField[] Loans = [FilterField.Enum<LoanState>("state", anyOf: true)];
    public static readonly FilterField[] Dividends = [FilterField.Enum<DividendState>("state", anyOf: true)];
    public static readonly FilterField[] InterestDues = [FilterField.Enum<InterestDueState>("state", anyOf: true)];

    /// <summary>The request messages that carry a `filter`, and the fields it accepts.</summary>
    public static readonly IReadOnlyDictionary<MessageDescriptor, FilterField[]> ByRequest = new Dictionary<MessageDescriptor, FilterField[]>
    {
        [ListHouseholdsRequest.Descriptor] = Households,
        [ExportHouseholdsRequest.Descriptor] = Households,
        [ListCadresRequest.Descriptor] = Cadres,
        [ListEnterprisesRequest.Descriptor] = Enterprises,
        [ListLinkagesRequest.Descriptor] = Linkages,
        [ListPairingsRequest.Descriptor] = Pairings,
        [ListVillagesRequest.Descriptor] = Villages,
        [ListLoansRequest.Descriptor] = Loans,
        [ListDividendsRequest.Descriptor] = Dividends,
        [ListInterestDuesRequest.Descriptor] = InterestDues,
    };
}
