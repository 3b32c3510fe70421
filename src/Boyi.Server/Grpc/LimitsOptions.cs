using System.Globalization;

namespace Boyi.Server.Grpc;

/// <summary>What one caller may ask of the server (Boyi:Limits).</summary>
public sealed class LimitsOptions
{
    /// <summary>The largest file one import may send: a county of 26,000 households is 10–15 MiB of CSV.</summary>
    public int MaxImportBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Messages in one import stream, header included: 64 KiB chunks need about a thousand for the largest file.</summary>
    public int MaxImportMessages { get; init; } = 65_536;

    /// <summary>Reads Boyi:Limits and refuses to start on a setting that would lock every caller out.</summary>
    public static LimitsOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection("Boyi:Limits").Get<LimitsOptions>() ?? new LimitsOptions();
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
