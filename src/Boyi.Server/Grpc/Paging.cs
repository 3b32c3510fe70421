using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Boyi.Domain.Errors;

namespace Boyi.Server.Grpc;

/// <summary>Page size and keyset page tokens (AIP-158). A token is bound to the query that made it.</summary>
public static class Paging
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public static int Size(int requested)
    {
        if (requested < 0)
            throw DomainException.Invalid("page_size", "NEGATIVE", "must not be negative");
        return requested == 0 ? DefaultPageSize : Math.Min(requested, MaxPageSize);
    }

    /// <summary>The last key of the previous page, or null for the first page.</summary>
    public static long? After(string? token, string query)
    {
        if (string.IsNullOrEmpty(token))
            return null;
        try
        {
            var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/').PadRight((token.Length + 3) / 4 * 4, '='));
            if (bytes.Length == 16 && bytes.AsSpan(8).SequenceEqual(QueryHash(query)))
                return BinaryPrimitives.ReadInt64BigEndian(bytes);
        }
        catch (FormatException)
        {
        }
        throw DomainException.Invalid("page_token", "INVALID_PAGE_TOKEN",
            "is not a token from a previous page of this same query");
    }

    public static string Next(long lastKey, string query)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, lastKey);
        QueryHash(query).CopyTo(bytes.AsSpan(8));
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>
    /// Splits a fetch of <c>size + 1</c> rows into the page and the token for the next one (empty on the last page).
    /// </summary>
    public static (IEnumerable<T> Items, string NextPageToken) Page<T>(IReadOnlyList<T> rows, int size, string query, Func<T, long> key) =>
        rows.Count > size ? (rows.Take(size), Next(key(rows[size - 1]), query)) : (rows, "");

    private static byte[] QueryHash(string query) => SHA256.HashData(Encoding.UTF8.GetBytes(query))[..8];
}
