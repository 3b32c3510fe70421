namespace Boyi.Testing;

/// <summary>
/// Waiting for something that happens in its own time (a background check, a timer in the server), without betting on
/// how long it takes: the condition is asked again and again until it holds, up to a limit generous enough for a
/// loaded machine. A test never asserts how long it took.
/// </summary>
public static class Poll
{
    /// <summary>Long enough for a check that takes a fraction of a second on a quiet machine.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(2);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        using var cts = new CancellationTokenSource(limit ?? DefaultLimit);
        while (!await condition())
        {
            if (cts.IsCancellationRequested)
                throw new TimeoutException($"Still waiting, after {limit ?? DefaultLimit}, for {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
