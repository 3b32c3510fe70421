namespace Boyi.Domain.Errors;

/// <summary>How a failure should be reported to a caller; mapped to a gRPC status code at the edge.</summary>
public enum ErrorKind
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    Aborted,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    /// <summary>A method of an interface Boyi serves only in part (google.longrunning.Operations).</summary>
    Unimplemented,
}

/// <summary>One bad input field: <paramref name="Field"/> is a path such as <c>members[2].id_card_number</c>.</summary>
public sealed record FieldViolation(string Field, string Reason, string Description);

/// <summary>
/// A rule was broken. <see cref="Reason"/> is a stable UPPER_SNAKE code that clients may switch on;
/// the message is for people and never contains personal data.
/// </summary>
public class DomainException : Exception
{
    public DomainException(ErrorKind kind, string reason, string message,
        IReadOnlyList<FieldViolation>? violations = null,
        IReadOnlyDictionary<string, string>? metadata = null)
        : base(message)
    {
        Kind = kind;
        Reason = reason;
        Violations = violations ?? [];
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    public ErrorKind Kind { get; }
    public string Reason { get; }
    public IReadOnlyList<FieldViolation> Violations { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>For a limit that lifts with time: how long to wait before the same call would pass.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static DomainException NotFound(string resource, string name) =>
        new(ErrorKind.NotFound, "NOT_FOUND", $"{resource} '{name}' was not found.",
            metadata: new Dictionary<string, string> { ["resource"] = resource, ["name"] = name });

    public static DomainException Precondition(string reason, string message,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        new(ErrorKind.FailedPrecondition, reason, message, metadata: metadata);

    public static DomainException Conflict(string reason, string message,
        IReadOnlyList<FieldViolation>? violations = null) =>
        new(ErrorKind.AlreadyExists, reason, message, violations);

    /// <summary>INVALID_ARGUMENT for one bad field.</summary>
    public static DomainException Invalid(string field, string reason, string description) =>
        new(ErrorKind.InvalidArgument, "INVALID_ARGUMENT", "The request has invalid fields.",
            [new FieldViolation(field, reason, description)]);

    public static DomainException StaleEtag(string name) =>
        new(ErrorKind.Aborted, "ETAG_MISMATCH",
            $"'{name}' was changed by someone else since it was read; read it again and retry.");
}

/// <summary>Collects field violations so a request reports all of its problems at once.</summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public IReadOnlyList<FieldViolation> Items => _items;
    public bool Any => _items.Count > 0;

    public Violations Add(string field, string reason, string description)
    {
        _items.Add(new FieldViolation(field, reason, description));
        return this;
    }

    public void Required(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            Add(field, "REQUIRED", "is required");
    }

    /// <summary>At most <paramref name="max"/> characters, counted as code points (𠮷 is one, as in PostgreSQL).</summary>
    public void MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max && Validation.TextRules.CodePoints(value) > max)
            Add(field, "TOO_LONG", $"must be at most {max} characters");
    }

    public void NonNegative(string field, long value)
    {
        if (value < 0)
            Add(field, "NEGATIVE", "must not be negative");
    }

    public void Nested(string prefix, Violations inner)
    {
        foreach (var v in inner._items)
            _items.Add(v with { Field = $"{prefix}.{v.Field}" });
    }

    /// <summary>Runs a parse step and keeps its field violations instead of stopping at the first.</summary>
    public void Capture(Action parse)
    {
        try
        {
            parse();
        }
        catch (DomainException e) when (e.Kind == ErrorKind.InvalidArgument)
        {
            _items.AddRange(e.Violations);
        }
    }

    /// <summary>An asynchronous check whose field violations are kept with the rest (see <see cref="Capture"/>).</summary>
    public async Task CaptureAsync(Func<Task> check)
    {
        try
        {
            await check();
        }
        catch (DomainException e) when (e.Kind == ErrorKind.InvalidArgument)
        {
            _items.AddRange(e.Violations);
        }
    }

    /// <summary>Throws INVALID_ARGUMENT carrying every collected violation.</summary>
    public void ThrowIfAny(string message = "The request has invalid fields.")
    {
        if (_items.Count > 0)
            throw new DomainException(ErrorKind.InvalidArgument, "INVALID_ARGUMENT", message, _items.ToArray());
    }
}

/// <summary>Reasons built from other libraries' codes.</summary>
public static class Reasons
{
    /// <summary>A PascalCase code (ASP.NET Identity's <c>PasswordContainsUserName</c>) as a reason: <c>PASSWORD_CONTAINS_USER_NAME</c>.</summary>
    public static string FromPascalCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();
}
