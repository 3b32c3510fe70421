using Boyi.Domain.Registry;

namespace Boyi.Server.Grpc;

/// <summary>`provinces/{province}`: the 6-digit code of a provincial-level division (its county codes' first two digits, then 0000).</summary>
public static partial class ResourceNames
{
    public static string Province(int id) => $"provinces/{id}";

    public static int ParseProvince(string? name, string field) =>
        (int)Parse(name, field, "provinces", 6, Ids.IsProvinceCode);
}
