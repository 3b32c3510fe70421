using System.Reflection;
using Boyi.Contracts.V1;
using Google.Protobuf.Reflection;

namespace Boyi.Server.Tests;

/// <summary>
/// Every gRPC service whose contract Boyi ships, found in the contracts assembly (Boyi's own, <c>boyi.v1</c>, and the
/// vendored <c>google.longrunning</c>), so that the descriptor-driven tests cover a new service without anyone adding
/// it to a list. <see cref="HealthAndReflectionTests"/> checks that the server serves exactly these (plus health and
/// reflection).
/// </summary>
public static class ContractServices
{
    public static IReadOnlyList<ServiceDescriptor> All { get; } = typeof(RegistryService).Assembly.GetTypes()
        .Select(t => t.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static))
        .Where(p => p?.PropertyType == typeof(ServiceDescriptor))
        .Select(p => (ServiceDescriptor)p!.GetValue(null)!)
        .DistinctBy(svc => svc.FullName)
        .OrderBy(svc => svc.FullName, StringComparer.Ordinal)
        .ToList();

    /// <summary>Boyi's own services (package <c>boyi.v1</c>).</summary>
    public static IReadOnlyList<ServiceDescriptor> Boyi { get; } = All.Where(svc => svc.File.Package == "boyi.v1").ToList();
}
