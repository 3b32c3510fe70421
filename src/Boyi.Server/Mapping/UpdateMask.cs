using Boyi.Domain.Errors;
using Google.Protobuf.WellKnownTypes;

namespace Boyi.Server.Mapping;

/// <summary>
/// Resolves an update_mask (AIP-134) against the fields a method allows. An absent mask means
/// "the fields the caller populated"; `*` means every updatable field. Output-only or unknown
/// paths are INVALID_ARGUMENT: server-owned fields cannot be set by a caller.
/// </summary>
public sealed class UpdateMask
{
    private readonly HashSet<string> _paths;

    private UpdateMask(HashSet<string> paths) => _paths = paths;

    public static UpdateMask Resolve(FieldMask? mask, IReadOnlyCollection<string> updatable, Func<string, bool> populated)
    {
        if (mask is null || mask.Paths.Count == 0)
            return new UpdateMask(updatable.Where(populated).ToHashSet());
        if (mask.Paths.Count == 1 && mask.Paths[0] == "*")
            return new UpdateMask(updatable.ToHashSet());
        var v = new Violations();
        foreach (var path in mask.Paths.Where(p => !updatable.Contains(p)))
            v.Add("update_mask", "FIELD_NOT_UPDATABLE", $"'{path}' cannot be updated; updatable: {string.Join(", ", updatable)}");
        v.ThrowIfAny();
        return new UpdateMask(mask.Paths.ToHashSet());
    }

    public bool Has(string path) => _paths.Contains(path);

    public bool IsEmpty => _paths.Count == 0;
}
