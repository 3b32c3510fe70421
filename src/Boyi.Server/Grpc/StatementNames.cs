using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Domain.Statements;

namespace Boyi.Server.Grpc;

public static partial class ResourceNames
{
    public static string Statement(string number) => $"statements/{number}";

    /// <summary>`statements/{number}` with a well-formed number of a county (as printed: look-alikes and case are forgiven).</summary>
    public static string ParseStatement(string? name, string field)
    {
        if (string.IsNullOrEmpty(name))
            throw DomainException.Invalid(field, "REQUIRED", "is required");
        const string prefix = "statements/";
        var number = name.StartsWith(prefix, StringComparison.Ordinal) ? StatementNumbers.Normalise(name[prefix.Length..]) : null;
        return number is not null && Ids.IsCountyCode(StatementNumbers.CountyOf(number))
            ? number
            : throw Invalid(field, "statements/{county}-{year}-{sequence}-{code}");
    }
}
