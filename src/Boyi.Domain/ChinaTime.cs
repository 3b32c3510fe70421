namespace Boyi.Domain;

/// <summary>Dates in the programme are local dates in China (UTC+8, no daylight saving).</summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>China's time zone, for schedules (cron) that name local times; dates use the fixed offset above.</summary>
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    public static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(Offset).DateTime);

    /// <summary>The date in China at the instant <paramref name="utc"/> (a UTC timestamp, as PostgreSQL answers them).</summary>
    public static DateOnly DateOf(DateTime utc) => DateOnly.FromDateTime(utc + Offset);
}
