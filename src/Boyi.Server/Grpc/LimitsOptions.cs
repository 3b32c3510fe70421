using System.Globalization;

namespace Boyi.Server.Grpc;

/// <summary>
/// What one caller may ask of the server (Boyi:Limits). The request rate's defaults are a backstop that no single
/// server can reach (one instance answers some thousands of authenticated calls a second), so benchmarks and bulk
/// jobs run unthrottled; a deployment sets the rate it means for its callers.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>Calls a second each caller (a machine client or a person) may make, sustained.</summary>
    public double RequestsPerSecond { get; init; } = 50_000;

    /// <summary>Calls a caller may make at once, above the sustained rate, after a quiet spell.</summary>
    public int Burst { get; init; } = 100_000;

    /// <summary>The largest file one import may send: a county of 26,000 households is 10–15 MiB of CSV.</summary>
    public int MaxImportBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Messages in one import stream, header included: 64 KiB chunks need about a thousand for the largest file.</summary>
    public int MaxImportMessages { get; init; } = 65_536;

    /// <summary>Reads Boyi:Limits and refuses to start on a setting that would lock every caller out.</summary>
    public static LimitsOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Boyi:Limits").Get<LimitsOptions>() ?? new LimitsOptions();
        // Replenishment happens in 100 ns ticks: one token every 1/RequestsPerSecond seconds.
        Require(options.RequestsPerSecond is > 0 and <= TimeSpan.TicksPerSecond, "RequestsPerSecond", options.RequestsPerSecond, $"between 0 and {TimeSpan.TicksPerSecond:N0} (exclusive of 0)");
        Require(options.Burst >= 1, "Burst", options.Burst, "at least 1");
        Require(options.MaxImportBytes >= 1, "MaxImportBytes", options.MaxImportBytes, "at least 1");
        Require(options.MaxImportMessages >= 2, "MaxImportMessages", options.MaxImportMessages, "at least 2 (the header and one chunk)");
        return options;
    }

    private static void Require(bool ok, string name, double value, string what)
    {
        if (!ok)
            throw new InvalidOperationException($"Boyi:Limits:{name} is {value.ToString(CultureInfo.InvariantCulture)}; it must be {what}.");
    }
}
