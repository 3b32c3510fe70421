using System.Buffers.Binary;
using System.Text;
using Boyi.Domain.Duties;
using Npgsql;

namespace Boyi.Infrastructure.Compliance;

/// <summary>
/// Reads the arrays of <c>contact_tallies</c> rows (<see cref="ContactTallyRow"/>) from their binary wire form, as
/// <see cref="NpgsqlDataReader.GetBytes"/> gives any column's raw bytes, into reused buffers: a county's ≈ 23,000
/// rows hold ≈ 820,000 counts, and Npgsql's array readers allocate an array per column and go through a converter per
/// element (with them a county's whole read allocated 30 MB, with this 18 MB, and its CPU fell by a quarter to a half:
/// docs/benchmarks.md §6). The counts go straight
/// into <see cref="ContactTallies"/>; the occasions become one <see cref="DutyContact"/> per day of visits, with the
/// same <see cref="Occasion"/> object (and one-element list) for every visit naming the same occasion.
/// </summary>
/// <remarks>
/// PostgreSQL's binary array (array_send): ndim, has-nulls flag, element type oid, (length, lower bound) per
/// dimension, then per element its length (−1 for NULL) and bytes, all big-endian. A date is days since 2000-01-01.
/// </remarks>
internal sealed class ContactTallyReader(DutyPolicy policy)
{
    private static readonly int Epoch = new DateOnly(2000, 1, 1).DayNumber;

    private byte[] _counts = new byte[512];
    private byte[] _dates = new byte[512];
    private byte[] _kinds = new byte[512];
    private byte[] _references = new byte[1024];
    // Per occasion kind (1–5): the occasion named without a reference, and those named by a reference.
    private readonly Occasion[]?[] _unnamed = new Occasion[]?[8];
    private readonly Dictionary<string, Occasion[]>?[] _named = new Dictionary<string, Occasion[]>?[8];

    /// <summary>
    /// Adds the counts of the current row (columns <paramref name="counts"/> onwards: counts, visit_dates,
    /// occasion_kinds, occasion_references) of <paramref name="year"/> to <paramref name="tallies"/> at
    /// <paramref name="row"/> for the months from <see cref="ContactTallies.FirstMonth"/> to <paramref name="lastMonth"/>,
    /// and answers its visits naming occasions, one per day (null when none).
    /// </summary>
    public DutyContact[]? Read(NpgsqlDataReader r, int counts, int row, int year, DateOnly lastMonth, ContactTallies tallies)
    {
        var span = Column(r, counts, ref _counts);
        var elements = Elements(span, out var at);
        // The year's January and the last month counted as the tallies' columns: the slots' months are columns from it.
        var january = tallies.MonthIndex(new DateOnly(year, 1, 1));
        var last = tallies.MonthIndex(lastMonth);
        for (var slot = 0; slot < elements; slot++, at += 8)
        {
            var n = BinaryPrimitives.ReadInt32BigEndian(span[(at + 4)..]);
            if (n == 0)
                continue;
            var month = january + slot / 3;
            if (month >= 0 && month <= last)
                tallies.AddAt(row, month, (ContactKind)(slot % 3), n);
        }
        var dates = Column(r, counts + 1, ref _dates);
        var visits = Elements(dates, out var d);
        if (visits == 0)
            return null;
        var kinds = Column(r, counts + 2, ref _kinds);
        Elements(kinds, out var k);
        var references = Column(r, counts + 3, ref _references);
        Elements(references, out var f);
        // The occasions of each visit, in order (the arrays are sorted by date): the days first, to size the answer.
        var days = 1;
        for (int i = 1, at0 = d; i < visits; i++)
        {
            if (BinaryPrimitives.ReadInt32BigEndian(dates[(at0 + 8 * i + 4)..]) != BinaryPrimitives.ReadInt32BigEndian(dates[(at0 + 8 * i - 4)..]))
                days++;
        }
        var answer = new DutyContact[days];
        var day = 0;
        for (var i = 0; i < visits;)
        {
            var date = BinaryPrimitives.ReadInt32BigEndian(dates[(d + 8 * i + 4)..]);
            var j = i + 1;
            while (j < visits && BinaryPrimitives.ReadInt32BigEndian(dates[(d + 8 * j + 4)..]) == date)
                j++;
            IReadOnlyList<Occasion> named;
            if (j == i + 1)
                named = Occasion(kinds, ref k, references, ref f);
            else
            {
                var several = new Occasion[j - i];
                for (var x = 0; x < several.Length; x++)
                    several[x] = Occasion(kinds, ref k, references, ref f)[0];
                named = several;
            }
            answer[day++] = new DutyContact("", ContactKind.Visit, DateOnly.FromDayNumber(Epoch + date), named);
            i = j;
        }
        return answer;
    }

    /// <summary>The next occasion of the kinds and references, as a one-element array shared by every visit naming it.</summary>
    private Occasion[] Occasion(ReadOnlySpan<byte> kinds, ref int k, ReadOnlySpan<byte> references, ref int f)
    {
        var kind = BinaryPrimitives.ReadInt16BigEndian(kinds[(k + 4)..]);
        k += 6;
        var length = BinaryPrimitives.ReadInt32BigEndian(references[f..]);
        f += 4;
        if ((uint)kind >= (uint)_unnamed.Length)
            throw new InvalidDataException($"occasion kind {kind} in contact_tallies");
        if (length < 0)
            return _unnamed[kind] ??= [ContactOccasions.ToDuty(kind, null, policy)];
        var bytes = references.Slice(f, length);
        f += length;
        var named = _named[kind] ??= [];
        Span<char> chars = stackalloc char[256];
        if (bytes.Length <= chars.Length)
        {
            chars = chars[..Encoding.UTF8.GetChars(bytes, chars)];
            if (named.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars, out var known))
                return known;
        }
        var reference = Encoding.UTF8.GetString(bytes);
        if (!named.TryGetValue(reference, out var occasion))
            named[reference] = occasion = [ContactOccasions.ToDuty(kind, reference, policy)];
        return occasion;
    }

    /// <summary>The raw bytes of a column of the current row, in <paramref name="buffer"/> (grown as needed).</summary>
    private static ReadOnlySpan<byte> Column(NpgsqlDataReader r, int ordinal, ref byte[] buffer)
    {
        var length = (int)r.GetBytes(ordinal, 0, null, 0, 0);
        if (length > buffer.Length)
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        r.GetBytes(ordinal, 0, buffer, 0, length);
        return buffer.AsSpan(0, length);
    }

    /// <summary>The element count of a one-dimensional (or empty) binary array; <paramref name="at"/> its first element.</summary>
    private static int Elements(ReadOnlySpan<byte> array, out int at)
    {
        var dimensions = BinaryPrimitives.ReadInt32BigEndian(array);
        if (dimensions == 0)
        {
            at = 12;
            return 0;
        }
        if (dimensions != 1)
            throw new InvalidDataException($"a {dimensions}-dimensional array in contact_tallies");
        at = 20;
        return BinaryPrimitives.ReadInt32BigEndian(array[12..]);
    }
}
