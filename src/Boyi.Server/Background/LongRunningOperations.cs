using System.Globalization;
using System.Linq.Expressions;
using Boyi.Infrastructure.Background;
using Google.LongRunning;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Npgsql;

namespace Boyi.Server.Background;

/// <summary>
/// Long-running calls (AIP-151): a service starts an operation backed by a Hangfire job and returns it at once; the
/// job reports progress and finishes it; the caller who started it polls Operations.GetOperation. The job takes the
/// operation's id as an argument (ids only), like any other.
/// </summary>
public sealed class LongRunningOperations(OperationStore store, IBackgroundJobClient jobs, TimeProvider clock)
{
    /// <summary>The Hangfire job parameter that ties a job to its operation (<see cref="OperationFailureFilter"/>).</summary>
    public const string JobParameter = "BoyiOperation";

    public static string NameOf(long id) => Grpc.ResourceNames.Operation(id);

    /// <summary>
    /// Records an operation of <paramref name="kind"/> for <paramref name="startedBy"/> (a caller's
    /// <c>Principal</c>) and enqueues its job, built from the operation's id:
    /// <c>StartAsync&lt;SubsidyRunJob&gt;(caller.Principal, "SUBSIDY_RUN", op =&gt; j =&gt; j.RunAsync(op, county, CancellationToken.None), ct)</c>.
    /// </summary>
    public async Task<Operation> StartAsync<TJob>(string startedBy, string kind, Func<long, Expression<Func<TJob, Task>>> job, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var id = await store.CreateAsync(startedBy, kind, now, ct);
        string jobId;
        try
        {
            jobId = ((IBackgroundJobClientV2)jobs).Create(Job.FromExpression(job(id)), new EnqueuedState(),
                new Dictionary<string, object> { [JobParameter] = id });
        }
        catch (BackgroundJobClientException)
        {
            await FailAsync(id, new Google.Rpc.Status { Code = (int)global::Grpc.Core.StatusCode.Unavailable, Message = "The operation could not be queued." }, CancellationToken.None);
            throw;
        }
        await store.SetHangfireJobAsync(id, jobId, ct);
        return new Operation { Name = NameOf(id), Done = false };
    }

    /// <summary>
    /// Finishes the operation with <paramref name="response"/>. Give the job's connection and transaction so the
    /// result commits with the job's writes. False when it was already finished (a rerun keeps the first result).
    /// </summary>
    public Task<bool> CompleteAsync(long id, IMessage response, CancellationToken ct, NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null) =>
        store.FinishAsync(id, Any.Pack(response).ToByteArray(), null, clock.GetUtcNow().UtcDateTime, ct, conn, tx);

    public Task<bool> FailAsync(long id, Google.Rpc.Status error, CancellationToken ct, NpgsqlConnection? conn = null, NpgsqlTransaction? tx = null) =>
        store.FinishAsync(id, null, error.ToByteArray(), clock.GetUtcNow().UtcDateTime, ct, conn, tx);

    /// <summary>Progress for the caller to see (the operation's metadata), until it is done.</summary>
    public Task ReportAsync(long id, IMessage metadata, CancellationToken ct) =>
        store.SetMetadataAsync(id, Any.Pack(metadata).ToByteArray(), clock.GetUtcNow().UtcDateTime, ct);

    public static Operation ToProto(OperationRow row)
    {
        var op = new Operation { Name = NameOf(row.Id), Done = row.Done };
        if (row.Metadata is not null)
            op.Metadata = Any.Parser.ParseFrom(row.Metadata);
        if (row.Response is not null)
            op.Response = Any.Parser.ParseFrom(row.Response);
        else if (row.Error is not null)
            op.Error = Google.Rpc.Status.Parser.ParseFrom(row.Error);
        return op;
    }
}

/// <summary>
/// Finishes an operation whose job Hangfire gave up on (retries exhausted: INTERNAL) or that an operator deleted on
/// the dashboard (CANCELLED), so that its caller does not poll forever.
/// </summary>
public sealed class OperationFailureFilter(OperationStore store, TimeProvider clock, ILogger<OperationFailureFilter> log) : IApplyStateFilter
{
    public void OnStateApplied(ApplyStateContext context, Hangfire.Storage.IWriteOnlyTransaction transaction)
    {
        var (code, message) = context.NewState switch
        {
            FailedState => (global::Grpc.Core.StatusCode.Internal, "The operation failed; it was not completed."),
            DeletedState => (global::Grpc.Core.StatusCode.Cancelled, "The operation was cancelled."),
            _ => ((global::Grpc.Core.StatusCode?)null, ""),
        };
        if (code is null)
            return;
        var raw = context.Connection.GetJobParameter(context.BackgroundJob.Id, LongRunningOperations.JobParameter);
        if (!long.TryParse(raw?.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return;
        var error = new Google.Rpc.Status { Code = (int)code.Value, Message = message };
        store.FinishAsync(id, null, error.ToByteArray(), clock.GetUtcNow().UtcDateTime, CancellationToken.None).GetAwaiter().GetResult();
        log.LogWarning("Operation {Operation} ended with {Code}: its job {Job} was {State}", id, code, context.BackgroundJob.Id, context.NewState.Name);
    }

    public void OnStateUnapplied(ApplyStateContext context, Hangfire.Storage.IWriteOnlyTransaction transaction)
    {
    }
}
