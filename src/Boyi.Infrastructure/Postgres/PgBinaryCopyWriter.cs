using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Boyi.Infrastructure.Postgres;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format (the "Binary Format" section of the COPY reference) straight into
/// Npgsql's raw COPY stream: a field is its length and its bytes in network order, so a row costs a few buffer
/// writes. Npgsql's <see cref="NpgsqlBinaryImporter"/> resolves a type handler and binds a parameter per field, which
/// was a seventh of the household import's managed CPU. Only the types the bulk writers use are here; each method
/// must match its column's type exactly (PostgreSQL reads a field with the column type's binary input function).
/// </summary>
/// <remarks>
/// Usage: <see cref="BeginAsync"/>, then per row <see cref="StartRow"/>, one write per column, <see cref="EndRowAsync"/>;
/// finally <see cref="CompleteAsync"/>. Disposing without completing cancels the COPY: nothing of it is kept.
/// A constraint violation surfaces as a <see cref="PostgresException"/> from a flush or from <see cref="CompleteAsync"/>.
/// </remarks>
public sealed class PgBinaryCopyWriter : IAsyncDisposable
{
    /// <summary>Rows are buffered and sent in pieces of about this size.</summary>
    public const int FlushBytes = 64 * 1024;

    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly int PostgresEpochDay = new DateOnly(2000, 1, 1).DayNumber;
    private const int Int2Oid = 21;

    private readonly NpgsqlRawCopyStream _stream;
    private byte[] _buffer = new byte[FlushBytes + 1024];
    private int _length;
    private bool _done;

    private PgBinaryCopyWriter(NpgsqlRawCopyStream stream)
    {
        _stream = stream;
        Append(Signature());
    }

    /// <summary>Starts <c>COPY … FROM STDIN (FORMAT BINARY)</c> on the connection (and its transaction).</summary>
    public static async Task<PgBinaryCopyWriter> BeginAsync(NpgsqlConnection connection, string copyFromStdinBinary, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new PgBinaryCopyWriter(await connection.BeginRawBinaryCopyAsync(copyFromStdinBinary, ct));
    }

    /// <summary>
    /// One whole COPY: <paramref name="writeRows"/> writes the row or rows of each item (a household's members, say),
    /// and what is buffered is sent after each item once it passes <see cref="FlushBytes"/>.
    /// </summary>
    public static async Task CopyAsync<T>(NpgsqlConnection connection, string copyFromStdinBinary, IEnumerable<T> items,
        Action<PgBinaryCopyWriter, T> writeRows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(writeRows);
        await using var w = await BeginAsync(connection, copyFromStdinBinary, ct);
        foreach (var item in items)
        {
            writeRows(w, item);
            await w.EndRowAsync(ct);
        }
        await w.CompleteAsync(ct);
    }

    /// <summary>The 19-byte file header: signature, flags (no OIDs), no header extension.</summary>
    private static ReadOnlySpan<byte> Signature() =>
        [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];

    public void StartRow(short fieldCount) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fieldCount);

    /// <summary>Sends what is buffered once it passes <see cref="FlushBytes"/>; call after each row.</summary>
    public ValueTask EndRowAsync(CancellationToken ct) => _length >= FlushBytes ? FlushAsync(ct) : ValueTask.CompletedTask;

    public void WriteNull() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Field(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value);

    public void WriteInt32(int? value)
    {
        if (value is { } v)
            WriteInt32(v);
        else
            WriteNull();
    }

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Field(8), value);

    public void WriteBoolean(bool value) => Field(1)[0] = value ? (byte)1 : (byte)0;

    /// <summary>text or varchar, as UTF-8 (Npgsql connections use client_encoding UTF8).</summary>
    public void WriteText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var span = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32BigEndian(span, n);
        _length -= span.Length - 4 - n;
    }

    /// <summary>bytea; null writes NULL.</summary>
    public void WriteBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteNull();
            return;
        }
        value.CopyTo(Field(value.Length));
    }

    /// <summary>date: days since 2000-01-01.</summary>
    public void WriteDate(DateOnly value) => WriteInt32(value.DayNumber - PostgresEpochDay);

    /// <summary>timestamptz: microseconds since 2000-01-01 UTC. The value must be UTC.</summary>
    public void WriteTimestampTz(DateTime value)
    {
        if (value.Kind != DateTimeKind.Utc)
            throw new ArgumentException("A timestamptz must be written from a UTC time.", nameof(value));
        WriteInt64((value.Ticks - PostgresEpochTicks) / TimeSpan.TicksPerMicrosecond);
    }

    /// <summary>smallint[]: one dimension from 1 (none when empty), no NULL elements.</summary>
    public void WriteInt16Array(IReadOnlyList<short> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var dimensions = values.Count == 0 ? 0 : 1;
        var size = 12 + dimensions * 8 + values.Count * 6;
        var span = Reserve(4 + size);
        BinaryPrimitives.WriteInt32BigEndian(span, size);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], dimensions);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0);           // no NULLs
        BinaryPrimitives.WriteInt32BigEndian(span[12..], Int2Oid);
        var at = 16;
        if (dimensions == 1)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], values.Count);
            BinaryPrimitives.WriteInt32BigEndian(span[(at + 4)..], 1);  // lower bound
            at += 8;
        }
        foreach (var v in values)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[at..], 2);
            BinaryPrimitives.WriteInt16BigEndian(span[(at + 4)..], v);
            at += 6;
        }
    }

    /// <summary>Writes the trailer, sends the rest and ends the COPY; PostgreSQL's verdict on the rows comes here.</summary>
    public async Task CompleteAsync(CancellationToken ct)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
        await FlushAsync(ct);
        _done = true;
        await _stream.DisposeAsync();   // CopyDone, then PostgreSQL's answer (an error is thrown here)
    }

    public async ValueTask DisposeAsync()
    {
        if (_done)
            return;
        _done = true;
        try
        {
            await _stream.CancelAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            // The COPY already failed or the connection broke: either way nothing of it was kept.
        }
        finally
        {
            await _stream.DisposeAsync();
        }
    }

    private async ValueTask FlushAsync(CancellationToken ct)
    {
        await _stream.WriteAsync(_buffer.AsMemory(0, _length), ct);
        _length = 0;
    }

    private void Append(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>A field's length prefix, and the <paramref name="length"/> bytes of its value to fill.</summary>
    private Span<byte> Field(int length)
    {
        var span = Reserve(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(span, length);
        return span[4..];
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes));
        var span = _buffer.AsSpan(_length, bytes);
        _length += bytes;
        return span;
    }
}
