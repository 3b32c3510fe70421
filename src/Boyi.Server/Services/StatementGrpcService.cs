using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Domain.Statements;
using Boyi.Infrastructure.Statements;
using Boyi.Server.Auth;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Grpc.Core;

namespace Boyi.Server.Services;

/// <summary>
/// Yearly delivery statements (docs/commendations.md, "Statements"): read by the enterprise (its own) and by county staff and
/// auditors (their county), issued and reissued by county administrators, verified by other systems holding only
/// <c>statements.verify</c>, who learn whether a number and an amount match and whether the statement is current.
/// </summary>
public sealed class StatementGrpcService(StatementStore store, Mutations mutations, TimeProvider clock) : StatementService.StatementServiceBase
{
    public override async Task<ListStatementsResponse> ListStatements(ListStatementsRequest request, ServerCallContext context)
    {
        var size = Paging.Size(request.PageSize);
        var key = $"statements|{request.Parent}|{request.Year}";
        var (county, enterprise) = ParseParent(request.Parent);
        var reach = context.Reach();
        var response = new ListStatementsResponse();
        // A foreign county or enterprise lists nothing, as a missing one would; an enterprise user's county list is their own.
        if (!reach.ContainsEnterprisesOfCounty(county) || enterprise is { } e && !reach.ContainsEnterprise(e))
            return response;
        enterprise ??= reach.EnterpriseId;
        var rows = await store.ListAsync(county, enterprise, request.Year == 0 ? null : request.Year, Paging.After(request.PageToken, key), size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, x => x.Row.Id);
        response.Statements.AddRange(items.Select(s => s.ToProto()));
        response.NextPageToken = next;
        return response;
    }

    public override async Task<GetStatementResponse> GetStatement(GetStatementRequest request, ServerCallContext context)
    {
        var number = ResourceNames.ParseStatement(request.Name, "name");
        var reach = context.Reach();
        Reach.Require(reach.ContainsEnterprisesOfCounty(StatementNumbers.CountyOf(number)), "statement", ResourceNames.Statement(number));
        var view = await store.GetAsync(number, context.CancellationToken);
        Reach.Require(reach.ContainsEnterprise(view.Row.EnterpriseId), "statement", ResourceNames.Statement(number));
        return new GetStatementResponse { Statement = view.ToProto() };
    }

    public override Task<IssueStatementsResponse> IssueStatements(IssueStatementsRequest request, ServerCallContext context)
    {
        var county = ResourceNames.ParseCounty(request.Parent, "parent");
        Reach.Require(context.Reach().ContainsCounty(county), "county", request.Parent);
        StatementRules.RequireEnded(request.Year, ChinaTime.Today(clock));
        var actor = context.Caller().Principal;
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var issue = await store.IssueAsync(db, county, request.Year, actor, ct);
            var response = new IssueStatementsResponse { AlreadyIssued = issue.AlreadyIssued };
            response.Statements.AddRange(issue.Issued.Select(s => ResourceNames.Statement(s.Number)));
            return response;
        });
    }

    public override Task<ReissueStatementResponse> ReissueStatement(ReissueStatementRequest request, ServerCallContext context)
    {
        var number = ResourceNames.ParseStatement(request.Name, "name");
        var v = new Violations();
        v.Required("reason", request.Reason);
        v.MaxLength("reason", request.Reason.Trim(), StatementRules.MaxReasonChars);
        v.ThrowIfAny();
        Reach.Require(context.Reach().ContainsCounty(StatementNumbers.CountyOf(number)), "statement", ResourceNames.Statement(number));
        var actor = context.Caller().Principal;
        return mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            return new ReissueStatementResponse { Statement = (await store.ReissueAsync(db, number, request.Reason.Trim(), actor, ct)).ToProto() };
        });
    }

    public override async Task<VerifyStatementResponse> VerifyStatement(VerifyStatementRequest request, ServerCallContext context)
    {
        var number = StatementNumbers.Normalise(request.Number);
        if (string.IsNullOrWhiteSpace(request.Number))
            throw DomainException.Invalid("number", "REQUIRED", "is required");
        if (number is null)
            throw DomainException.Invalid("number", "INVALID_FORMAT", "must have the form {county}-{year}-{sequence}-{code}, e.g. 450923-2026-00017-7KQ2M9XD");
        if (request.AmountFen < 0)
            throw DomainException.Invalid("amount_fen", "NEGATIVE", "must not be negative");
        var check = await store.CheckAsync(number, context.CancellationToken);
        return check is null
            ? new VerifyStatementResponse { Verdict = StatementVerdict.UnknownNumber }
            : new VerifyStatementResponse
            {
                Verdict = check.TotalFen == request.AmountFen ? StatementVerdict.Match : StatementVerdict.AmountMismatch,
                State = check.Superseded ? StatementState.Superseded : StatementState.Current,
            };
    }

    private static (int County, long? Enterprise) ParseParent(string parent)
    {
        if (parent.StartsWith("enterprises/", StringComparison.Ordinal))
        {
            var e = ResourceNames.ParseEnterprise(parent, "parent");
            return (Ids.CountyOfEnterprise(e), e);
        }
        if (parent.StartsWith("counties/", StringComparison.Ordinal))
            return (ResourceNames.ParseCounty(parent, "parent"), null);
        throw DomainException.Invalid("parent", "INVALID_NAME", "must have the form counties/{county} or enterprises/{enterprise}");
    }
}
