namespace Boyi.Server.Grpc;

/// <summary>
/// Which RPCs change data, decided once from the contract's names (AIP-131…136): a Boyi method is a read when its
/// verb is Get, List, Watch, Verify or Export, and mutating otherwise (Create, Update, Delete, Approve, Reject, Suspend,
/// Import, …). An export that starts a job and records its file (<see cref="WritingExports"/>) is mutating too. Every
/// mutating call is audited, refused or not, whatever its scope is called; a test checks each mutating RPC carries a
/// request_id (AIP-155).
/// </summary>
public static class MutatingRpcs
{
    private const string BoyiPackage = "/boyi.v1.";
    private static readonly string[] ReadVerbs = ["Get", "List", "Watch", "Verify", "Export"];

    /// <summary>Exports that write: a payment batch's sheet is made once, by a job, and kept with who asked for it.</summary>
    private static readonly string[] WritingExports = ["/boyi.v1.PaymentBatchService/ExportPaymentBatch"];

    /// <summary>Whether <paramref name="method"/> (<c>/package.Service/Method</c>) is a mutating Boyi RPC.</summary>
    public static bool Contains(string method)
    {
        if (!method.StartsWith(BoyiPackage, StringComparison.Ordinal))
            return false;
        if (WritingExports.Contains(method))
            return true;
        var name = method[(method.LastIndexOf('/') + 1)..];
        return !ReadVerbs.Any(verb => name.StartsWith(verb, StringComparison.Ordinal)
                                      && name.Length > verb.Length && char.IsUpper(name[verb.Length]));
    }
}
