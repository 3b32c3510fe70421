namespace Boyi.Infrastructure.Common;

public static class ClockExtensions
{
    /// <summary>
    /// Now, at PostgreSQL's precision (microseconds), so that a value returned right after a write
    /// equals the value read back later.
    /// </summary>
    public static DateTime UtcNow(this TimeProvider clock)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return new DateTime(now.Ticks - now.Ticks % 10, DateTimeKind.Utc);
    }
}
