using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Infrastructure.Audit;
using Boyi.Infrastructure.Identity;
using Boyi.Server.Mapping;
using Boyi.Server.Grpc;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Npgsql;
using ContractAuditEvent = Boyi.Contracts.V1.AuditEvent;
using ProtoActorKind = Boyi.Contracts.V1.AuditActorKind;

namespace Boyi.Server.Services;

/// <summary>The audit log for auditors: list and filter events, verify the chain. Reading it is not itself audited.</summary>
public sealed class AuditGrpcService(NpgsqlDataSource dataSource, ActorDirectory actors) : AuditService.AuditServiceBase
{
    public override async Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var filter = new AuditFilter
        {
            Actor = Blank(request.Actor),
            ActionPrefix = Blank(request.ActionPrefix),
            Object = Blank(request.Object),
            Outcome = Blank(request.Outcome),
            RequestId = Blank(request.RequestId),
            From = request.StartTime?.ToDateTimeOffset(),
            To = request.EndTime?.ToDateTimeOffset(),
        };
        // The page token is bound to the filter (not to the page size), as in the other lists.
        var query = string.Join('\u001f', "audit", filter.Actor, filter.ActionPrefix, filter.Object, filter.Outcome, filter.RequestId,
            filter.From?.UtcTicks.ToString(CultureInfo.InvariantCulture), filter.To?.UtcTicks.ToString(CultureInfo.InvariantCulture));
        var before = Paging.After(request.PageToken, query);
        var page = await AuditQuery.ListAsync(dataSource, filter, size, before, context.CancellationToken);
        var response = new ListAuditEventsResponse
        {
            NextPageToken = page.NextBeforeId is { } next ? Paging.Next(next, query) : "",
        };
        response.AuditEvents.AddRange(page.Events.Select(ToProto));
        await actors.DescribeAsync(response.AuditEvents, e => e.Actor, (e, a) => e.ActorDisplay = a, context.CancellationToken);
        return response;
    }

    public override async Task<VerifyAuditChainResponse> VerifyAuditChain(VerifyAuditChainRequest request, ServerCallContext context)
    {
        var v = await AuditVerifier.VerifyAsync(dataSource, context.CancellationToken);
        var response = new VerifyAuditChainResponse
        {
            Ok = v.Ok,
            VerifiedCount = v.Verified,
            UnsealedCount = v.Unsealed,
            LastChainSeq = v.LastSeq ?? 0,
            LastHash = v.LastHash is null ? ByteString.Empty : ByteString.CopyFrom(v.LastHash),
        };
        if (v.FirstBroken is { } broken)
        {
            response.BrokenEvent = Name(broken.Id);
            response.BrokenChainSeq = broken.ChainSeq;
            response.BrokenDescription = $"{broken.Message} Expected {broken.Expected}, found {broken.Found}.";
        }
        return response;
    }

    public static string Name(long id) => $"auditEvents/{id}";

    private static ContractAuditEvent ToProto(AuditRecord e) => new()
    {
        Name = Name(e.Id),
        OccurTime = Timestamp.FromDateTimeOffset(e.OccurredAt),
        ActorKind = e.ActorKind switch
        {
            "user" => ProtoActorKind.User,
            "client" => ProtoActorKind.Client,
            "anonymous" => ProtoActorKind.Anonymous,
            "system" => ProtoActorKind.System,
            _ => ProtoActorKind.Unspecified,
        },
        Actor = e.Actor,
        Action = e.Action,
        Object = e.Object,
        Outcome = e.Outcome,
        RequestId = e.RequestId,
        ClientAddress = e.ClientAddress,
        DetailJson = e.Detail,
        ChainSeq = e.ChainSeq ?? 0,
        Hash = e.Hash is null ? ByteString.Empty : ByteString.CopyFrom(e.Hash),
    };

    private static string? Blank(string s) => s.Length == 0 ? null : s;
}
