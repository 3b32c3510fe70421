using System.Globalization;
using Boyi.Contracts.V1;
using Boyi.Domain.Errors;
using Boyi.Infrastructure.Subsidies;
using Boyi.Server.Auth;
using Boyi.Server.Background;
using Boyi.Server.Grpc;
using Boyi.Server.Mapping;
using Google.LongRunning;
using Grpc.Core;
using Money = Boyi.Domain.Money;

namespace Boyi.Server.Services;

/// <summary>
/// The subsidy ledger and its runs. County admins start a run for their county (an operation backed by
/// <see cref="SubsidyRunJob"/>); county staff and auditors read the county's rows; an enterprise user reads only the
/// employment rows paid to their enterprise (any other row answers NOT_FOUND, any other list is narrowed to those).
/// County admins correct their county's rows (<see cref="SubsidyCorrectionStore"/>).
/// </summary>
public sealed class SubsidyGrpcService(SubsidyLedgerStore store, SubsidyCorrectionStore corrections, LongRunningOperations operations, Mutations mutations)
    : SubsidyService.SubsidyServiceBase
{
    public override async Task<Operation> StartSubsidyRun(StartSubsidyRunRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var county = 0;
        v.Capture(() => county = ResourceNames.ParseCounty(request.County, "county"));
        if (request.Kind is not (SubsidyKind.Interest or SubsidyKind.Employment))
            v.Add("kind", "INVALID_VALUE", "must be INTEREST or EMPLOYMENT");
        DateOnly? date = null;
        v.Capture(() => date = Wire.Date(request.Date, "date"));
        if (request.Date is null)
            v.Add("date", "REQUIRED", "is required");
        else if (date is { } d && request.Kind == SubsidyKind.Interest && !Money.SettlementCalendar.IsSettlementDate(d))
            v.Add("date", "NOT_A_SETTLEMENT_DATE", "an interest period ends on the 20th of March, June, September or December");
        v.ThrowIfAny();
        Reach.Require(context.Reach().ContainsCounty(county), "county", ResourceNames.County(county));
        var day = date!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var kind = request.Kind;
        var caller = context.Caller().Principal;
        // The request id makes a retry answer the first operation; the run itself writes each row once whatever starts it.
        return await mutations.RunAsync(request, request.RequestId, context, (_, ct) =>
            operations.StartAsync<SubsidyRunJob>(caller, SubsidyRunJob.OperationKind, op => j => j.RunAsync(op, county, kind, day, CancellationToken.None), ct));
    }

    public override async Task<GetSubsidyRowResponse> GetSubsidyRow(GetSubsidyRowRequest request, ServerCallContext context)
    {
        var id = ResourceNames.ParseSubsidyRow(request.Name, "name");
        var row = await store.GetAsync(id, context.CancellationToken);
        Reach.Require(row is not null && Reachable(context.Reach(), row), "subsidy row", ResourceNames.SubsidyRow(id));
        var chains = await store.ChainsOfAsync([row!], context.CancellationToken);
        return new GetSubsidyRowResponse { Row = ToProto(row!, chains) };
    }

    public override async Task<CorrectSubsidyRowResponse> CorrectSubsidyRow(CorrectSubsidyRowRequest request, ServerCallContext context)
    {
        var v = new Violations();
        long id = 0;
        v.Capture(() => id = ResourceNames.ParseSubsidyRow(request.Name, "name"));
        int? version = null;
        v.Capture(() => version = Wire.Version(request.Etag, "etag"));
        if (!request.HasAmountFen)
            v.Add("amount_fen", "REQUIRED", "is required: what the row should have paid in all, in fen");
        v.Required("reason", request.Reason);
        v.ThrowIfAny();
        var row = await store.GetAsync(id, context.CancellationToken);
        // Only the row's county: a row of another county is NOT_FOUND, as a missing one.
        Reach.Require(row is not null && context.Reach().ContainsCounty(row.CountyId), "subsidy row", ResourceNames.SubsidyRow(id));
        var actor = context.Caller().Principal;
        return await mutations.RunAsync(request, request.RequestId, context, async (db, ct) =>
        {
            var result = await corrections.CorrectAsync(db, id, version, request.AmountFen, request.Reason.Trim(), actor, ct);
            var chains = new Dictionary<long, SubsidyChain> { [result.Corrected.Id] = result.Chain };
            return new CorrectSubsidyRowResponse { Correction = ToProto(result.Correction, chains), Corrected = ToProto(result.Corrected, chains) };
        });
    }

    public override async Task<ListSubsidyRowsResponse> ListSubsidyRows(ListSubsidyRowsRequest request, ServerCallContext context)
    {
        var v = new Violations();
        var county = 0;
        v.Capture(() => county = ResourceNames.ParseCounty(request.Parent, "parent"));
        (Money.PayeeKind Kind, long Id)? payee = null;
        if (request.Payee != "")
            v.Capture(() => payee = ResourceNames.ParsePayee(request.Payee, "payee"));
        long? loan = null;
        if (request.Loan != "")
            v.Capture(() => loan = ResourceNames.ParseLoan(request.Loan, "loan"));
        long? corrects = null;
        if (request.Corrects != "")
            v.Capture(() => corrects = ResourceNames.ParseSubsidyRow(request.Corrects, "corrects"));
        DateOnly? from = null, to = null;
        v.Capture(() => from = Wire.Date(request.AccrualDateFrom, "accrual_date_from"));
        v.Capture(() => to = Wire.Date(request.AccrualDateTo, "accrual_date_to"));
        if (from > to)
            v.Add("accrual_date_to", "BEFORE_START", "must not be before accrual_date_from");
        v.ThrowIfAny();
        var size = Paging.Size(request.PageSize);
        var key = string.Join('\u001f', "subsidy-rows", county, request.Kind, request.Status, request.Payee, request.Loan, from, to, corrects);
        var after = Paging.After(request.PageToken, key);
        var query = new SubsidyRowQuery(county, request.Kind == SubsidyKind.Unspecified ? null : (Money.SubsidyKind)(int)request.Kind,
            request.Status == SubsidyRowStatus.Unspecified ? null : (Money.SubsidyRowStatus)(int)request.Status,
            payee?.Kind, payee?.Id, loan, from, to, corrects);
        var response = new ListSubsidyRowsResponse();
        var reach = context.Reach();
        if (!reach.Everything)
        {
            // County staff and auditors: their county. An enterprise: its own employment rows; a list about anything
            // else is empty, as for a county that is not theirs.
            if (county != reach.CountyId)
                return response;
            if (reach.EnterpriseId is { } own)
            {
                if (query.Kind is not (null or Money.SubsidyKind.Employment) || query.PayeeKind is { } k && (k, query.PayeeId) != (Money.PayeeKind.Enterprise, own))
                    return response;
                query = query with { Kind = Money.SubsidyKind.Employment, PayeeKind = Money.PayeeKind.Enterprise, PayeeId = own };
            }
        }
        var rows = await store.ListAsync(query, after, size + 1, context.CancellationToken);
        var (items, next) = Paging.Page(rows, size, key, r => r.Id);
        var chains = await store.ChainsOfAsync(items, context.CancellationToken);
        response.Rows.AddRange(items.Select(r => ToProto(r, chains)));
        response.NextPageToken = next;
        return response;
    }

    /// <summary>A row is the caller's when it is of their county and, for an enterprise user, an employment row paid to their enterprise.</summary>
    private static bool Reachable(Reach reach, SubsidyLedgerRow row) =>
        reach.Everything || row.CountyId == reach.CountyId
            && (reach.EnterpriseId is not { } own || row is { Kind: Money.SubsidyKind.Employment, PayeeKind: Money.PayeeKind.Enterprise } && row.PayeeId == own);

    /// <summary>The row with its chain's etag and effective amount (<paramref name="chains"/> by head).</summary>
    private static SubsidyRow ToProto(SubsidyLedgerRow row, IReadOnlyDictionary<long, SubsidyChain> chains) => new()
    {
        Name = ResourceNames.SubsidyRow(row.Id),
        County = ResourceNames.County(row.CountyId),
        Kind = (SubsidyKind)(int)row.Kind,
        Payee = ResourceNames.Payee(row.PayeeKind, row.PayeeId),
        Loan = row.LoanId is { } loan ? ResourceNames.Loan(loan) : "",
        Placement = row.PlacementId is { } placement ? ResourceNames.Placement(placement) : "",
        MilestoneMonths = row.MilestoneMonths ?? 0,
        AccrualDate = Wire.Date(row.AccrualDate),
        Days = row.Days ?? 0,
        InterestFen = row.InterestFen ?? 0,
        AmountFen = row.AmountFen,
        Reason = row.Reason,
        Status = (SubsidyRowStatus)(int)row.Status,
        Corrects = row.CorrectsId is { } corrected ? ResourceNames.SubsidyRow(corrected) : "",
        CreateTime = Wire.Time(row.CreateTime),
        Etag = Wire.Etag(chains[row.CorrectsId ?? row.Id].Version),
        EffectiveAmountFen = chains[row.CorrectsId ?? row.Id].EffectiveFen,
        CreatedBy = row.CreatedBy ?? "",
    };
}
