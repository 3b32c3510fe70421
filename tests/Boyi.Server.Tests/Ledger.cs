using Boyi.Contracts.V1;
using Npgsql;

namespace Boyi.Server.Tests;

/// <summary>
/// Due rows of the subsidy ledger written straight into the test database, as the subsidy runs write them (the runs
/// have their own tests): employment rows of a placement (a fresh milestone number each, so one placement serves many
/// rows), and interest or dividend rows of a loan (a fresh accrual date each, unless one is given).
/// </summary>
public static class Ledger
{
    public const int Employment = 1, Interest = 2, Dividend = 3;
    public const int ToEnterprise = 1, ToHousehold = 2, ToLender = 3;
    private static int _milestone;

    public static long Id(string name) => long.Parse(name[(name.LastIndexOf('/') + 1)..]);

    public static async Task<long> EmploymentAsync(ServerFixture s, string enterprise, string placement, DateOnly accrual, long amountFen) =>
        await InsertAsync(s, Employment, ToEnterprise, Id(enterprise), Id(placement), (short)Interlocked.Increment(ref _milestone), null, accrual, amountFen,
            $"测试 employment row of {placement}");

    public static async Task<long> LoanRowAsync(ServerFixture s, int kind, int payeeKind, long payeeId, string loan, DateOnly accrual, long amountFen) =>
        await InsertAsync(s, kind, payeeKind, payeeId, null, null, Id(loan), accrual, amountFen, $"测试 row of {loan}");

    private static async Task<long> InsertAsync(ServerFixture s, int kind, int payeeKind, long payeeId, long? placement, short? milestone, long? loan,
        DateOnly accrual, long amountFen, string reason)
    {
        var county = (int)(payeeKind == ToHousehold ? payeeId / 100_000_000_000L : payeeId / 1_000_000);
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "INSERT INTO subsidy_ledger (county_id, kind, payee_kind, payee_id, placement_id, milestone_months, loan_id, accrual_date, amount_fen, reason, status, create_time) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, now()) RETURNING id", conn);
        cmd.Parameters.AddWithValue(county);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.AddWithValue(payeeKind);
        cmd.Parameters.AddWithValue(payeeId);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)placement ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)milestone ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Smallint });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)loan ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue(accrual);
        cmd.Parameters.AddWithValue(amountFen);
        cmd.Parameters.AddWithValue(reason);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Each row's status and batch.</summary>
    public static async Task<Dictionary<long, (int Status, long? Batch)>> StatusAsync(ServerFixture s, IEnumerable<long> ids)
    {
        await using var conn = new NpgsqlConnection(s.Database.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT id, status, batch_id FROM subsidy_ledger WHERE id = ANY($1)", conn);
        cmd.Parameters.AddWithValue(ids.ToArray());
        var result = new Dictionary<long, (int, long?)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
            result[r.GetInt64(0)] = (r.GetInt32(1), r.IsDBNull(2) ? null : r.GetInt64(2));
        return result;
    }

    /// <summary>An approved enterprise of the county's first town, with a job and one placement (started 2025-01-10): employment rows' source.</summary>
    public static async Task<(Enterprise Enterprise, string Placement)> PlacementAsync(ServerFixture s, TestCounty county)
    {
        var enterprise = (await Api.RegisterEnterpriseAsync(s, county.Name, county.Towns[0].Name, approve: true)).Enterprise;
        return (enterprise, await PlacementAsync(s, county, enterprise));
    }

    /// <summary>A job of <paramref name="enterprise"/> in the county's first town with one placement (started 2025-01-10): `placements/…`.</summary>
    public static async Task<string> PlacementAsync(ServerFixture s, TestCounty county, Enterprise enterprise)
    {
        var town = county.Towns[0];
        var job = (await new JobService.JobServiceClient(s.Channel).PostJobAsync(new PostJobRequest
        {
            Job = new Job
            {
                Enterprise = enterprise.Name, Title = "砂糖橘分拣工", Town = town.Name, Village = town.Villages[0], Openings = 10, MonthlyWageFen = 280_000,
                OpenFrom = new Google.Type.Date { Year = 2026, Month = 12, Day = 1 }, OpenUntil = new Google.Type.Date { Year = 2027, Month = 6, Day = 1 },
            },
        })).Job;
        var household = await Api.CreateHouseholdAsync(s, town.Villages[0],
            Api.NewHousehold(members: 1, headIdCard: Api.NewIdCardNumber(town.Villages[0]["villages/".Length..("villages/".Length + 6)])));
        var placement = (await new JobService.JobServiceClient(s.Channel).CreatePlacementAsync(new CreatePlacementRequest
        {
            Parent = job.Name,
            Placement = new Placement { Member = $"{household.Name}/members/1", StartDate = new Google.Type.Date { Year = 2025, Month = 1, Day = 10 } },
        })).Placement;
        return placement.Name;
    }
}
