using System.Diagnostics;
using System.Globalization;
using Boyi.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;

namespace Boyi.Bench;

/// <summary>
/// A county's mixed read/write load through one or several servers on one database (issue 15): a fixed number of
/// streams, each calling one request after another (closed loop) through a fixed number of HTTP/2 connections, the
/// connections spread over the servers in turn (client-side round robin: connection i goes to server i mod n). Each
/// stream repeats a cycle of 20 requests, 16 reads and 4 writes, starting at its own place in it. Every write is valid
/// and can be repeated for ever: a phone call recorded for one of the stream's own paired households, that household's
/// income toggled by 100 fen, and one of the stream's own pairings ended and the same cadre paired again with the
/// household. Prints a marker line when the timed window starts (after the warm-up), then one result line.
/// </summary>
internal static class MixedLoadBench
{
    private enum Call { GetHousehold, ListHouseholds, GetCoverage, CreateContactRecord, UpdateHousehold, EndPairing, CreatePairing }

    private enum Step { Get, List, Coverage, Contact, Update, Repair }

    // 11 GetHousehold, 4 ListHouseholds pages, 1 GetCoverage; 1 contact, 1 household card update, 1 re-pairing (2 calls).
    private static readonly Step[] Cycle =
    [
        Step.Get, Step.List, Step.Get, Step.Contact, Step.Get, Step.List, Step.Get, Step.Update, Step.Get, Step.Coverage,
        Step.Get, Step.List, Step.Get, Step.Repair, Step.Get, Step.List, Step.Get, Step.Get, Step.Get,
    ];

    private static readonly int Calls = System.Enum.GetValues<Call>().Length;

    public static async Task RunAsync(string connectionString, IReadOnlyList<string> servers, int connections, int streams,
        int warmUpSeconds, int seconds, int countyId, bool writes, CancellationToken ct)
    {
        var data = await CountyData.LoadAsync(connectionString, countyId, streams, ct);
        var channels = Enumerable.Range(0, connections).Select(i => BenchChannel.Create(servers[i % servers.Count])).ToArray();
        try
        {
            var states = Enumerable.Range(0, streams).Select(i => new StreamState(i, data, channels[i % connections], writes)).ToArray();
            await RunForAsync(states, TimeSpan.FromSeconds(warmUpSeconds), ct);
            foreach (var s in states)
                s.Reset();
            Console.WriteLine($"[mixed] timed window starts: {seconds} s, {streams} streams over {connections} connections to {string.Join(", ", servers)}");
            var elapsed = await RunForAsync(states, TimeSpan.FromSeconds(seconds), ct);
            Console.Error.WriteLine($"[mixed] the last call ended {elapsed.TotalSeconds - seconds:F2} s after the window (not counted)");

            var ok = new long[Calls];
            var failed = new long[Calls];
            foreach (var s in states)
                for (var c = 0; c < Calls; c++)
                {
                    ok[c] += s.Ok[c];
                    failed[c] += s.Failed[c];
                }
            var errors = states.SelectMany(s => s.Errors).GroupBy(e => e).Select(g => $"{g.Count()}× {g.Key}");
            foreach (var e in errors)
                Console.Error.WriteLine($"[mixed] error: {e}");
            var reads = ok[(int)Call.GetHousehold] + ok[(int)Call.ListHouseholds] + ok[(int)Call.GetCoverage];
            // result  requests/s  requests  errors  seconds  writes  then OK calls per kind
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"result\t{ok.Sum() / (double)seconds:F1}\t{ok.Sum()}\t{failed.Sum()}\t{seconds}\t{ok.Sum() - reads}\t{string.Join('\t', ok)}"));
        }
        finally
        {
            foreach (var c in channels)
                c.Dispose();
        }
    }

    /// <summary>
    /// Every stream calls one request after another until the time is up, finishing the one under way; only calls
    /// answered within the time count (failures count whenever they come).
    /// </summary>
    private static async Task<TimeSpan> RunForAsync(StreamState[] states, TimeSpan duration, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        foreach (var s in states)
            s.Until = until;
        await Task.WhenAll(states.Select(s => Task.Run(async () =>
        {
            while (watch.Elapsed < duration && !ct.IsCancellationRequested)
                await s.NextAsync();
        }, ct)));
        return watch.Elapsed;
    }

    /// <summary>One stream: its place in the cycle, its own household and pairing, its page of a village's list.</summary>
    private sealed class StreamState(int index, CountyData data, GrpcChannel channel, bool writes)
    {
        private readonly HouseholdService.HouseholdServiceClient _households = new(channel);
        private readonly PairingService.PairingServiceClient _pairings = new(channel);
        private readonly ContactService.ContactServiceClient _contacts = new(channel);
        private readonly Random _random = new(index);
        private readonly OwnPairing _repaired = data.Pairings[index];
        private readonly OwnPairing _own = data.Pairings[data.Pairings.Count / 2 + index];
        private int _step = index % Cycle.Length;
        private int _coverage;
        private string _village = "";
        private string _pageToken = "";

        public long[] Ok { get; private set; } = new long[Calls];
        public long[] Failed { get; private set; } = new long[Calls];
        public List<string> Errors { get; } = [];
        public long Until { get; set; }

        public void Reset()
        {
            Ok = new long[Calls];
            Failed = new long[Calls];
            Errors.Clear();
        }

        public async Task NextAsync()
        {
            var step = Cycle[_step];
            _step = (_step + 1) % Cycle.Length;
            if (!writes && step is Step.Contact or Step.Update or Step.Repair)
                step = Step.Get;
            switch (step)
            {
                case Step.Get:
                    await CallAsync(Call.GetHousehold, async () => await _households.GetHouseholdAsync(new GetHouseholdRequest
                    {
                        Name = $"households/{data.Households[_random.Next(data.Households.Length)]}",
                    }));
                    break;
                case Step.List:
                    if (_pageToken.Length == 0)
                        _village = $"villages/{data.Villages[_random.Next(data.Villages.Length)]}";
                    var page = await CallAsync(Call.ListHouseholds, async () => await _households.ListHouseholdsAsync(new ListHouseholdsRequest
                    {
                        Parent = _village, PageToken = _pageToken,
                    }));
                    _pageToken = page?.NextPageToken ?? "";
                    break;
                case Step.Coverage:
                    var scope = _coverage++ % 2 == 0 ? $"towns/{data.Towns[_random.Next(data.Towns.Length)]}" : $"counties/{data.CountyId}";
                    await CallAsync(Call.GetCoverage, async () => await _pairings.GetCoverageAsync(new GetCoverageRequest { Scope = scope }));
                    break;
                case Step.Contact:
                    await CallAsync(Call.CreateContactRecord, async () => await _contacts.CreateContactRecordAsync(new CreateContactRecordRequest
                    {
                        Record = new ContactRecord
                        {
                            Household = _own.Household, Kind = ContactKind.PhoneCall,
                            OccurTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddSeconds(-1)),
                            HelpItems = { new HelpItem { Kind = HelpKind.Policy, Description = "讲解小额信贷政策" } },
                        },
                        RequestId = Guid.NewGuid().ToString(),
                    }));
                    break;
                case Step.Update:
                    _own.Raised = !_own.Raised;
                    await CallAsync(Call.UpdateHousehold, async () => await _households.UpdateHouseholdAsync(new UpdateHouseholdRequest
                    {
                        Household = new Household { Name = _own.Household, PerCapitaIncomeFen = _own.IncomeFen + (_own.Raised ? 100 : 0) },
                        UpdateMask = new FieldMask { Paths = { "per_capita_income_fen" } },
                        RequestId = Guid.NewGuid().ToString(),
                    }));
                    break;
                case Step.Repair:
                    var ended = await CallAsync(Call.EndPairing, async () => await _pairings.EndPairingAsync(new EndPairingRequest
                    {
                        Name = _repaired.Pairing, Reason = "benchmark: paired again", RequestId = Guid.NewGuid().ToString(),
                    }));
                    if (ended is null)
                        break;
                    var created = await CallAsync(Call.CreatePairing, async () => await _pairings.CreatePairingAsync(new CreatePairingRequest
                    {
                        Pairing = new Pairing { Cadre = _repaired.Cadre, Household = _repaired.Household }, RequestId = Guid.NewGuid().ToString(),
                    }));
                    if (created is not null)
                        _repaired.Pairing = created.Pairing.Name;
                    break;
            }
        }

        private async Task<T?> CallAsync<T>(Call call, Func<Task<T>> send) where T : class
        {
            try
            {
                var response = await send();
                if (Stopwatch.GetTimestamp() <= Until)
                    Ok[(int)call]++;
                return response;
            }
            catch (RpcException e)
            {
                Failed[(int)call]++;
                Errors.Add($"{call}: {e.StatusCode} {e.Status.Detail}");
                return null;
            }
        }
    }

    private sealed class OwnPairing
    {
        public required string Pairing { get; set; }
        public required string Cadre { get; init; }
        public required string Household { get; init; }
        public required long IncomeFen { get; init; }
        public bool Raised { get; set; }
    }

    /// <summary>
    /// The county's households, villages and towns, and 2 × streams active pairings of poor households (the first
    /// half re-paired, one a stream; the second half each a stream's own household for contacts and updates).
    /// </summary>
    private sealed record CountyData(int CountyId, long[] Households, long[] Villages, long[] Towns, List<OwnPairing> Pairings)
    {
        public static async Task<CountyData> LoadAsync(string connectionString, int countyId, int streams, CancellationToken ct)
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            async Task<long[]> IdsAsync(string sql)
            {
                await using var cmd = dataSource.CreateCommand(sql);
                cmd.Parameters.AddWithValue(countyId);
                var ids = new List<long>();
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    ids.Add(r.GetInt64(0));
                return [.. ids];
            }

            var households = await IdsAsync("SELECT id FROM households WHERE county_id = $1 AND delete_time IS NULL ORDER BY id");
            var villages = await IdsAsync("SELECT id FROM villages WHERE county_id = $1 ORDER BY id");
            var towns = await IdsAsync("SELECT id FROM towns WHERE county_id = $1 ORDER BY id");
            var pairings = new List<OwnPairing>();
            await using (var cmd = dataSource.CreateCommand(
                "SELECT p.id, p.cadre_id, p.household_id, h.per_capita_income_fen FROM pairings p JOIN households h ON h.id = p.household_id " +
                "WHERE h.county_id = $1 AND p.end_date IS NULL AND h.delete_time IS NULL AND h.status IN (1, 3) ORDER BY p.household_id LIMIT $2"))
            {
                cmd.Parameters.AddWithValue(countyId);
                cmd.Parameters.AddWithValue(2 * streams);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct))
                    pairings.Add(new OwnPairing
                    {
                        Pairing = $"pairings/{r.GetInt64(0)}", Cadre = $"cadres/{r.GetInt64(1)}", Household = $"households/{r.GetInt64(2)}",
                        IncomeFen = Math.Max(200, r.GetInt64(3)),
                    });
            }
            if (pairings.Count < 2 * streams)
                throw new InvalidOperationException($"county {countyId} has {pairings.Count} active pairings of poor households, {2 * streams} needed");
            return new CountyData(countyId, households, villages, towns, pairings);
        }
    }
}
