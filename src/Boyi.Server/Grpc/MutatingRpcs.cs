namespace Boyi.Server.Grpc;

/// <summary>
/// Which RPCs change data, decided once from the contract's names (AIP-131…136): a Boyi method is a read when its
/// verb is Get, List, Watch, Verify or Export, and mutating otherwise (Create, Update, Delete, Approve, Reject, Suspend,
/// Import, …). Every mutating call is audited, refused or not, whatever its scope is called; a test checks each
/// mutating RPC carries a request_id (AIP-155).
/// </summary>
public static class MutatingRpcs
{
    private const string BoyiPackage = "/boyi.v1.";
    private static readonly string[] ReadVerbs = ["Get", "List", "Watch", "Verify", "Export"];

    /// <summary>Whether <paramref name="method"/> (<c>/package.Service/Method</c>) is a mutating Boyi RPC.</summary>
    public static bool Contains(string method)
    {
        if (!method.StartsWith(BoyiPackage, StringComparison.Ordinal))
            return false;
        var name = method[(method.LastIndexOf('/') + 1)..];
        return !ReadVerbs.Any(verb => name.StartsWith(verb, StringComparison.Ordinal)
                                      && name.Length > verb.Length && char.IsUpper(name[verb.Length]));
    }
}
