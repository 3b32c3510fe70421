using Boyi.Domain.Errors;
using Boyi.Infrastructure.Background;
using Boyi.Server.Auth;
using Boyi.Server.Background;
using Boyi.Server.Grpc;
using Google.LongRunning;
using Grpc.Core;

namespace Boyi.Server.Services;

/// <summary>
/// google.longrunning.Operations for Boyi's long-running calls: each caller (person or client) sees only the
/// operations they started; anyone else's answer NOT_FOUND, as if they did not exist. Deleting, cancelling and
/// waiting are not offered (UNIMPLEMENTED / NOT_SUPPORTED): a caller polls GetOperation.
/// </summary>
public sealed class OperationsGrpcService(OperationStore store) : Operations.OperationsBase
{
    public override async Task<Operation> GetOperation(GetOperationRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseOperation(request.Name, "name");
        var row = await store.GetAsync(id, context.Caller().Principal, context.CancellationToken)
            ?? throw DomainException.NotFound("operation", request.Name);
        return LongRunningOperations.ToProto(row);
    }

    public override async Task<ListOperationsResponse> ListOperations(ListOperationsRequest request, ServerCallContext context)
    {
        if (request.Name is not ("" or "operations"))
            throw DomainException.Invalid("name", "INVALID_NAME", "must be empty or \"operations\"");
        bool? done = request.Filter.Replace(" ", "") switch
        {
            "" => null,
            "done=true" => true,
            "done=false" => false,
            _ => throw DomainException.Invalid("filter", "INVALID_FILTER", "must be empty, \"done = true\" or \"done = false\""),
        };
        var size = Paging.Size(request.PageSize);
        var caller = context.Caller().Principal;
        var query = string.Join('\u001f', "operations", caller, done?.ToString() ?? "");
        var before = Paging.After(request.PageToken, query);
        var rows = await store.ListAsync(caller, done, before, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, query, r => r.Id);
        var response = new ListOperationsResponse { NextPageToken = next };
        response.Operations.AddRange(items.Select(LongRunningOperations.ToProto));
        return response;
    }

    public override Task<Google.Protobuf.WellKnownTypes.Empty> DeleteOperation(DeleteOperationRequest request, ServerCallContext context) =>
        throw NotSupported("DeleteOperation");

    public override Task<Google.Protobuf.WellKnownTypes.Empty> CancelOperation(CancelOperationRequest request, ServerCallContext context) =>
        throw NotSupported("CancelOperation");

    public override Task<Operation> WaitOperation(WaitOperationRequest request, ServerCallContext context) =>
        throw NotSupported("WaitOperation");

    private static DomainException NotSupported(string method) =>
        new(ErrorKind.Unimplemented, "NOT_SUPPORTED", $"{method} is not offered; poll GetOperation until the operation is done.");
}
