using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Boyi.Contracts.V1;
using Boyi.Domain;
using Boyi.Domain.Errors;
using Boyi.Domain.Registry;
using Boyi.Infrastructure.Audit;
using Boyi.Infrastructure.Data;
using Boyi.Infrastructure.Idempotency;
using Boyi.Infrastructure.Common;
using Boyi.Infrastructure.Households;
using Boyi.Infrastructure.Import;
using Boyi.Server.Audit;
using Boyi.Server.Grpc;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Boyi.Server.Services;

/// <summary>
/// ImportHouseholds: a header message, then the file (CSV or XLSX, docs/import-format.md) in chunks. The whole
/// file is checked before anything is written, and written in one transaction, so a file is all-or-nothing; a
/// retry with the same request_id returns the first response and imports nothing twice.
/// </summary>
/// <remarks>
/// The stream is capped (<see cref="LimitsOptions.MaxImportBytes"/>, <see cref="LimitsOptions.MaxImportMessages"/>)
/// while it is received, since the whole file is held in memory: the first message beyond a cap ends the call with
/// RESOURCE_EXHAUSTED / IMPORT_TOO_LARGE, a server limit rather than a fault in the file, before anything is read or written.
/// </remarks>
public sealed class HouseholdImporter(Database database, IdempotentWriter writer, TimeProvider clock,
    HouseholdImportOptions options, LimitsOptions limits, AuditLog audit, Telemetry.BoyiMetrics metrics, ILogger<HouseholdImporter> logger)
{
    /// <summary>Problems listed in the error status; gRPC trailers are small, the total is in the metadata.</summary>
    public const int MaxViolationsInStatus = 100;

    public const string RejectedReason = "IMPORT_REJECTED";

    public const string TooLargeReason = ImportFileReader.TooLargeReason;

    public async Task<ImportHouseholdsResponse> ImportAsync(IAsyncStreamReader<ImportHouseholdsRequest> stream, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await stream.MoveNext(ct) || stream.Current.PayloadCase != ImportHouseholdsRequest.PayloadOneofCase.Header)
            throw DomainException.Invalid("header", "HEADER_REQUIRED", "the first message must carry the header; the file follows in chunks");
        var header = stream.Current.Header;
        // The audit interceptor cannot read a client stream: it learns here what the call is about.
        var call = AuditCall.Of(context);
        call.Object = AuditLog.Clip(header.Parent);
        call.RequestId = header.RequestId.Length > 0 ? AuditLog.Clip(header.RequestId) : null;
        if (header.ValidateOnly)
            call.Detail = new JsonObject { ["validate_only"] = true };
        var countyId = ResourceNames.ParseCounty(header.Parent, "header.parent");
        Auth.Reach.Require(Auth.ReachExtensions.Reach(context).ContainsCounty(countyId), "county", ResourceNames.County(countyId));
        // A household file is ID-card numbers: importing one (even to validate it) tells which are already taken.
        Auth.PersonalDataAccess.RequireForNumbers(context, ["chunk"]);
        var format = header.Format switch
        {
            ImportFormat.Csv => ImportFileFormat.Csv,
            ImportFormat.Xlsx => ImportFileFormat.Xlsx,
            _ => throw DomainException.Invalid("header.format", "REQUIRED", "must be CSV or XLSX"),
        };
        // Checked before the file is received, not after megabytes of it.
        if (!header.ValidateOnly && header.RequestId.Length > 0 && !Guid.TryParse(header.RequestId, out _))
            throw DomainException.Invalid("header.request_id", "INVALID_FORMAT", "must be a UUID");

        var file = await ReceiveFileAsync(stream, ct);

        IReadOnlyDictionary<long, VillageInfo> villages;
        await using (var conn = await database.DataSource.OpenConnectionAsync(ct))
        {
            villages = await HouseholdImportWriter.LoadVillagesAsync(conn, countyId, ct)
                ?? throw DomainException.NotFound("county", ResourceNames.County(countyId));
        }

        var watch = Stopwatch.StartNew();
        var today = ChinaTime.Today(clock);
        var rows = ImportFileReader.Read(file, format);
        var plan = HouseholdImportParser.Plan(rows, villages, today);
        var streamed = !header.ValidateOnly && !plan.HasProblems
            && plan.HouseholdCount >= options.ParallelMinHouseholds && options.ParallelParts > 1
            && await ParallelHouseholdWriter.IsAvailableAsync(database.DataSource, options.ParallelParts, ct);
        if (!streamed)
        {
            var parsed = plan.ReadHouseholds(null);
            LogChecked(countyId, file.Length, parsed, watch);
            if (parsed.HasProblems)
                throw RejectedRows(parsed.Problems, parsed.RowsRead, header.ValidateOnly);
            if (header.ValidateOnly)
            {
                await using var conn = await database.DataSource.OpenConnectionAsync(ct);
                var taken = await HouseholdImportWriter.FindTakenIdCardNumbersAsync(conn, parsed, database.Protector, ct);
                if (taken.Any)
                    throw Rejected(taken);
                return Response(parsed, new ImportSummary(parsed.Households.Count, parsed.MembersRead), validateOnly: true);
            }
            try
            {
                return await WriteAsync(header, file, countyId, context, async (conn, now, token) =>
                    ((PreparedHouseholdWrite?)null, await HouseholdImportWriter.WriteAsync(conn, parsed, now, database.Protector, token), parsed));
            }
            catch (Exception e) when (IsIdCardTaken(e))
            {
                throw await TakenIdCardNumbersAsync(parsed, ct);
            }
        }

        // A big, well-formed file: households are checked on all cores and handed, as each passes, to writers on
        // several connections (prepared transactions), so checking and copying overlap. This transaction holds the
        // household numbers and the request id and records the decision: it all commits, or none of it.
        HouseholdImportResult? result = null;
        try
        {
            return await WriteAsync(header, file, countyId, context, async (conn, now, token) =>
            {
                var firstSeq = await HouseholdBulkWriter.ReserveSeqsAsync(conn, plan.HouseholdsPerVillage, token);
                var stream = StreamingHouseholdWrite.Begin(database.DataSource, HouseholdImportWriter.ImportedReason, options.ParallelParts,
                    plan.MembersPerHousehold, token);
                try
                {
                    result = plan.ReadHouseholds((index, inVillage, h) => stream.Add(index, HouseholdRows.New(
                        h.Village.Id * Ids.HouseholdSeqFactor + firstSeq[h.Village.Id] + inVillage,
                        h.Village.CountyId, h.Village.TownId, h.Village.Id, h.Card, h.Status, h.LiftedYear, now, database.Protector)));
                }
                catch
                {
                    await stream.AbortAsync();
                    throw;
                }
                LogChecked(countyId, file.Length, result, watch);
                if (result.HasProblems)
                {
                    await stream.AbortAsync();
                    throw RejectedRows(result.Problems, result.RowsRead, validateOnly: false);
                }
                var prepared = await stream.CompleteAsync();
                try
                {
                    await prepared.RecordDecisionAsync(conn, now, token);
                }
                catch
                {
                    await prepared.FinishAsync(CancellationToken.None);
                    throw;
                }
                return (prepared, new ImportSummary(result.Households.Count, result.MembersRead), result);
            });
        }
        catch (Exception e) when (result is not null && IsIdCardTaken(e))
        {
            throw await TakenIdCardNumbersAsync(result, ct);
        }
    }

    /// <summary>
    /// The unique index stopped the write (and it was rolled back); now name the rows, a query that files whose
    /// people are all new never pay.
    /// </summary>
    private async Task<DomainException> TakenIdCardNumbersAsync(HouseholdImportResult parsed, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var taken = await HouseholdImportWriter.FindTakenIdCardNumbersAsync(conn, parsed, database.Protector, ct);
        return taken.Any ? RejectedRows(taken, parsed.RowsRead, validateOnly: false) : HouseholdImportWriter.IdCardTaken();
    }

    /// <summary>A file refused for problems in its rows; its rows are counted when it was meant to be written.</summary>
    private DomainException RejectedRows(ImportProblems problems, int rowsRead, bool validateOnly)
    {
        if (!validateOnly)
            metrics.ImportRejected(rowsRead);
        return Rejected(problems);
    }

    /// <summary>
    /// Runs the write in one transaction with the request id (a retry returns the first response), then finishes the
    /// prepared parts of a parallel write according to the recorded decision, whatever happened.
    /// </summary>
    private async Task<ImportHouseholdsResponse> WriteAsync(ImportHeader header, ReadOnlyMemory<byte> file,
        int countyId, ServerCallContext context,
        Func<NpgsqlConnection, DateTime, CancellationToken, Task<(PreparedHouseholdWrite? Prepared, ImportSummary Summary, HouseholdImportResult Parsed)>> write)
    {
        var ct = context.CancellationToken;
        var requestBytes = new byte[header.CalculateSize() + SHA256.HashSizeInBytes];
        header.WriteTo(requestBytes.AsSpan(0, requestBytes.Length - SHA256.HashSizeInBytes));
        SHA256.HashData(file.Span, requestBytes.AsSpan(requestBytes.Length - SHA256.HashSizeInBytes));

        PreparedHouseholdWrite? prepared = null;
        var http = context.GetHttpContext();
        var call = AuditCall.Of(http);
        var recorded = false;
        try
        {
            var response = await writer.ExecuteAsync(
                context.GetHttpContext().User.Identity?.Name ?? "",
                context.Method,
                header.RequestId,
                requestBytes,
                async (db, token) =>
                {
                    var conn = (NpgsqlConnection)db.Database.GetDbConnection();
                    var (p, summary, result) = await write(conn, clock.UtcNow(), token);
                    prepared = p;
                    logger.LogInformation("Household import for county {County}: wrote {Households} households with {Members} members ({Mode})",
                        countyId, summary.Households, summary.Members, p is null ? "one connection" : $"{p.Parts} connections, two-phase commit");
                    await audit.RecordAsync(db, AuditLog.For(http, AuditLog.ActionOf(context.Method), call.Object ?? "", AuditOutcomes.Ok,
                        header.RequestId, new JsonObject { ["households"] = summary.Households, ["members"] = summary.Members }), token);
                    recorded = true;
                    return Response(result, summary, validateOnly: false);
                },
                response => response.ToByteArray(),
                ImportHouseholdsResponse.Parser.ParseFrom,
                ct);
            // Recorded with the write, in its transaction; a retry answered with the first response is left to the
            // audit interceptor, which records it after the call.
            call.Recorded = recorded;
            if (prepared is not null)
                await prepared.FinishAsync(CancellationToken.None);
            if (recorded)
                metrics.ImportWritten(response.HouseholdsImported, response.MembersImported);
            return response;
        }
        catch
        {
            // The parts follow the recorded decision: none recorded, they are rolled back.
            if (prepared is not null)
                await prepared.FinishAsync(CancellationToken.None);
            throw;
        }
    }

    private static bool IsIdCardTaken(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || (e is DomainException d && d.Reason == HouseholdImportWriter.IdCardTakenReason);

    private void LogChecked(int countyId, int bytes, HouseholdImportResult parsed, Stopwatch watch) =>
        logger.LogInformation("Household import for county {County}: {Bytes} bytes, {Rows} rows read and checked in {Ms} ms, {Problems} problems",
            countyId, bytes, parsed.RowsRead, watch.ElapsedMilliseconds, parsed.Problems.TotalCount);

    /// <summary>The file's problems as INVALID_ARGUMENT: each a field violation <c>row N, column C</c>, at most <see cref="MaxViolationsInStatus"/>.</summary>
    public static DomainException Rejected(ImportProblems problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var violations = problems.Errors.Take(MaxViolationsInStatus)
            .Select(e => new FieldViolation($"row {e.Row}, column {e.Column}", e.Reason, e.Message))
            .ToArray();
        var n = problems.TotalCount;
        return new DomainException(ErrorKind.InvalidArgument, RejectedReason,
            $"{n} {(n == 1 ? "problem" : "problems")} in the file; nothing was imported.",
            violations,
            new Dictionary<string, string>
            {
                ["error_count"] = n.ToString(CultureInfo.InvariantCulture),
                ["errors_listed"] = violations.Length.ToString(CultureInfo.InvariantCulture),
            });
    }

    private async Task<ReadOnlyMemory<byte>> ReceiveFileAsync(IAsyncStreamReader<ImportHouseholdsRequest> stream, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var messages = 1;
        while (await stream.MoveNext(ct))
        {
            if (++messages > limits.MaxImportMessages)
            {
                throw new DomainException(ErrorKind.ResourceExhausted, TooLargeReason,
                    $"The import was sent in more than {limits.MaxImportMessages:N0} messages; send the file in larger chunks (for example 64 KiB).",
                    metadata: new Dictionary<string, string> { ["max_messages"] = limits.MaxImportMessages.ToString(CultureInfo.InvariantCulture) });
            }
            var message = stream.Current;
            if (message.PayloadCase == ImportHouseholdsRequest.PayloadOneofCase.Header)
                throw DomainException.Invalid("header", "UNEXPECTED_HEADER", "only the first message may carry a header");
            if (message.PayloadCase != ImportHouseholdsRequest.PayloadOneofCase.Chunk)
                continue;
            if (buffer.Length + message.Chunk.Length > limits.MaxImportBytes)
            {
                throw new DomainException(ErrorKind.ResourceExhausted, TooLargeReason,
                    $"The file is larger than {Size(limits.MaxImportBytes)}; split it (for example by town).",
                    metadata: new Dictionary<string, string> { ["max_bytes"] = limits.MaxImportBytes.ToString(CultureInfo.InvariantCulture) });
            }
            buffer.Write(message.Chunk.Span);
        }
        if (buffer.Length == 0)
            throw new DomainException(ErrorKind.InvalidArgument, Boyi.Infrastructure.Import.ImportFileReader.EmptyReason,
                "The file is empty; send its bytes in chunk messages after the header.",
                [new FieldViolation("chunk", "REQUIRED", "the file's bytes are missing")]);
        return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Size(int bytes) => bytes % (1024 * 1024) == 0
        ? $"{bytes / (1024 * 1024):N0} MiB"
        : $"{bytes:N0} bytes";

    private static ImportHouseholdsResponse Response(HouseholdImportResult parsed, ImportSummary summary, bool validateOnly) => new()
    {
        HouseholdsImported = summary.Households,
        MembersImported = summary.Members,
        RowsRead = parsed.RowsRead,
        ValidateOnly = validateOnly,
    };
}

/// <summary>How imports write (Boyi:Import).</summary>
public sealed class HouseholdImportOptions
{
    /// <summary>Connections a large import is written over at once (two-phase commit); 1 writes on one connection.</summary>
    public int ParallelParts { get; init; } = 2;

    /// <summary>Files with fewer households are written on one connection: the parallel write pays off on big files only.</summary>
    public int ParallelMinHouseholds { get; init; } = 2_000;
}
