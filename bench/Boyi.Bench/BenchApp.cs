using System.Globalization;

namespace Boyi.Bench;

/// <summary>Command dispatch. Options are <c>--name value</c>; every command needs <c>--cs</c> (a connection string) except <c>frames</c>.</summary>
public static class BenchApp
{
    private const string Help = """
        Boyi.Bench — benchmark harness (normally run by bench/run.sh)

          seed --cs CS --keys DIR [--province N]
              Migrates the database and seeds the demo county 450923 (default), or the first N counties
              of GuangxiCounties at full scale (--province 40 ≈ 1.04 M households). Counties already there are kept.
              ID-card numbers and phones are encrypted with the personal-data keys in DIR (the server's key folder).
          frames --household ID --out DIR
              Writes the h2load request bodies (gRPC frames) for GetHousehold(households/ID) and for
              grpc.health.v1.Health/Check(service "liveness"), and the pgbench scripts with GetHousehold's SQL.
          coverage --cs CS --label NAME [--county 450923] [--rounds 5] [--out FILE.json]
              Times PairingStore coverage/uncovered/planner in-process against SELECT count(*) FROM households.
          coverage-grpc --cs CS --server URL --label NAME [--county 450923] [--rounds 5] [--out FILE.json]
              Times GetCoverage, ListUncoveredHouseholds and CreatePairingProposal through the gRPC API.
          subsidy --cs CS [--loans 20000] [--rounds 5] [--out FILE.json]
              The interest-subsidy run over a benchmark county's loans (made once, borrowing for the demo county's
              households) ÷ one INSERT … SELECT computing the same rows in SQL; checks both write the same rows first.
          import-cpu --cs CS --file demo.csv [--county 450923] [--rounds 5]
              Where the server's CPU goes in an import, phase by phase (read, plan, check, rows), in-process, no writes.
          gethousehold-cpu --cs CS --keys DIR --household ID [--calls 20000] [--rounds 5]
              CPU µs per HouseholdStore.GetAsync (GetHousehold's read), in-process and one call at a time: this
              process's and its PostgreSQL backend's. For A/B comparisons on a busy machine.
          compliance --cs CS [--contacts 400000] [--pairings N] [--rounds 5] [--out FILE.json]
              Contact-duty compliance of the demo county for last year ÷ SELECT count(*) of its contact records (synthetic
              ones written once when the demo has too few; --pairings N writes them for the first N pairings only), then
              the morning alert job over the county: time and rows written.
          commendations --cs CS [--enterprises 2000] [--rounds 5] [--out FILE.json]
              A commendation round over the demo county with 2,000 more enterprises and a year of their data (written
              once) ÷ the one SQL query computing the same metrics; checks both give the same values.
          exits --cs CS [--rounds 5] [--out FILE.json]
              Exit progress of the demo county's year and the exit status and incidence of all its villages (the demo's exits
              added once) ÷ SELECT count(*) of its household members; checks both answers against plain queries first.
          replica-load --server URL [--county 450923] [--concurrency 16] [--seconds 10]
              The read-replica benchmark's load: the routed RPCs (lists, coverage, uncovered, a village's export) in a
              fixed mix for a fixed time; prints the calls answered (and failed) and calls/s.
          hangfire --cs CS [--jobs 2000] [--rounds 5] [--workers N]
              Hangfire throughput on Boyi's storage: a job writing one notification ÷ an empty job, in jobs/s.
          mixed --cs CS --servers URL[,URL…] [--connections 4] [--streams 16] [--warm-up 3] [--seconds 10] [--county 450923] [--writes false]
              A mixed read/write load (16 reads and 4 writes in 20 requests; --writes false: GetHousehold instead of the
              writes) through the servers, the connections to them in turn; prints a marker when the timed window
              starts, then requests/s, requests, errors, seconds, writes.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help")
        {
            Console.WriteLine(Help);
            return 0;
        }
        var options = Options.Parse(args.Skip(1));
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
        var ct = cts.Token;
        switch (args[0])
        {
            case "seed":
                await Seeding.RunAsync(options.Required("cs"), options.Required("keys"), options.Int("province", 0), ct);
                return 0;
            case "frames":
                await Frames.WriteAsync(long.Parse(options.Required("household"), CultureInfo.InvariantCulture), options.Required("out"), ct);
                return 0;
            case "coverage":
                await CoverageBench.RunAsync(options.Required("cs"), options.Required("label"), options.Int("county", 450923),
                    options.Int("rounds", 5), options.Get("out"), ct);
                return 0;
            case "province-rollup":
                await CoverageBench.RollupOnlyAsync(options.Required("cs"), options.Int("county", 450923), options.Int("calls", 3), ct);
                return 0;
            case "coverage-grpc":
                await CoverageBench.RunGrpcAsync(options.Required("cs"), options.Required("server"), options.Required("label"),
                    options.Int("county", 450923), options.Int("rounds", 5), options.Get("out"), ct);
                return 0;
            case "subsidy":
                await SubsidyBench.RunAsync(options.Required("cs"), options.Int("loans", 20_000), options.Int("rounds", 5), options.Get("out"), ct);
                return 0;
            case "compliance":
                await ComplianceBench.RunAsync(options.Required("cs"), options.Int("contacts", 400_000),
                    options.Get("pairings") is null ? null : options.Int("pairings", 0), options.Int("rounds", 5), options.Get("out"), ct);
                return 0;
            case "commendations":
                await CommendationBench.RunAsync(options.Required("cs"), options.Int("enterprises", 2_000), options.Int("rounds", 5), options.Get("out"), ct);
                return 0;
            case "exits":
                await ExitBench.RunAsync(options.Required("cs"), options.Int("rounds", 5), options.Get("out"), ct);
                return 0;
            case "import-cpu":
                await ImportCpuBench.RunAsync(options.Required("cs"), options.Required("file"), options.Int("county", 450923),
                    options.Int("rounds", 5), ct);
                return 0;
            case "gethousehold-cpu":
                await GetHouseholdCpuBench.RunAsync(options.Required("cs"), options.Required("keys"),
                    long.Parse(options.Required("household"), CultureInfo.InvariantCulture), options.Int("calls", 20_000), options.Int("rounds", 5), ct);
                return 0;
            case "replica-load":
                await ReplicaBench.RunAsync(options.Required("server"), options.Int("county", 450923), options.Int("concurrency", 16),
                    options.Int("seconds", 10), ct);
                return 0;
            case "hangfire":
                await HangfireBench.RunAsync(options.Required("cs"), options.Int("jobs", 2000), options.Int("rounds", 5),
                    options.Get("workers") is null ? null : options.Int("workers", 0), ct);
                return 0;
            case "mixed":
                await MixedLoadBench.RunAsync(options.Required("cs"), options.Required("servers").Split(','), options.Int("connections", 4),
                    options.Int("streams", 16), options.Int("warm-up", 3), options.Int("seconds", 10), options.Int("county", 450923),
                    options.Get("writes") != "false", ct);
                return 0;
            default:
                Console.Error.WriteLine($"unknown command '{args[0]}'\n\n{Help}");
                return 2;
        }
    }
}

internal sealed class Options
{
    private readonly Dictionary<string, string> _values = [];

    public static Options Parse(IEnumerable<string> args)
    {
        var o = new Options();
        var list = args.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= list.Count)
                throw new ArgumentException($"expected --name value, got '{list[i]}'");
            o._values[list[i][2..]] = list[++i];
        }
        return o;
    }

    public string? Get(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) => Get(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) =>
        Get(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
