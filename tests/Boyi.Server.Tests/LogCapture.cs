using System.Collections.Concurrent;
using Boyi.Infrastructure.PersonalData;
using Microsoft.Extensions.Logging;

namespace Boyi.Server.Tests;

/// <summary>
/// Keeps every log line a test server writes (at Information and above, all categories, including ASP.NET, EF Core,
/// OpenIddict and Npgsql), so tests can scan them for personal data and secrets.
/// </summary>
[ProviderAlias("Capture")]
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // The message, its structured values (as a sink such as a JSON log would store them) and the exception.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {values} {exception}");
        }
    }
}

/// <summary>What must never be in a log: ID-card numbers (checked by their check character), mobile numbers, secrets.</summary>
public static class LogScan
{
    public static List<string> Offending(IEnumerable<string> lines, IEnumerable<string>? secrets = null)
    {
        var known = (secrets ?? []).Where(x => !string.IsNullOrEmpty(x)).ToList();
        return lines.Where(line =>
                SensitiveText.FindIdCardNumbers(line).Any()
                || SensitiveText.FindMobilePhones(line).Any()
                || known.Any(secret => line.Contains(secret, StringComparison.Ordinal)))
            .ToList();
    }
}
