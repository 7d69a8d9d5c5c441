using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Writes PostgreSQL's binary COPY format by hand into a reused byte buffer and sends it through a raw binary COPY
/// stream. NpgsqlBinaryImporter.Write resolves and binds a parameter (an async state machine) for every column: with
/// ~70 columns a claim (result row + ~3 ledger lines) it was most of the runner's own CPU (docs/PERFORMANCE.md). The
/// encodings are the server's binary send/recv formats for text, int4, int8, bool, timestamptz and int8[].
/// </summary>
internal sealed class BinaryCopyWriter
{
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private const int FlushAt = 60 * 1024;
    private const long PgEpochTicks = 630822816000000000; // 2000-01-01T00:00:00Z in .NET ticks
    private const int Int8Oid = 20;

    private byte[] _buf = new byte[128 * 1024];
    private int _pos;
    private Stream? _stream;
    private RowDigest? _digest;
    private int _hashFrom = -1; // start of the bytes not yet given to _digest (−1: not hashing)

    public long Rows { get; private set; }

    public void Begin(NpgsqlConnection conn, string copySql, RowDigest? digest = null)
    {
        _stream = conn.BeginRawBinaryCopy(copySql);
        _pos = 0;
        Rows = 0;
        _digest = null;
        _hashFrom = -1;
        Bytes(Header);
        if (digest is not null)
        {
            _digest = digest;
            _hashFrom = _pos;
        }
    }

    /// <summary>Gives the rows written since the last call (or since <see cref="Begin"/>) to the digest as the end of
    /// one element: the caller ends it as a result row or a ledger entry.</summary>
    public void HashPending()
    {
        if (_hashFrom < 0) return;
        _digest!.Append(_buf.AsSpan(_hashFrom, _pos - _hashFrom));
        _hashFrom = _pos;
    }

    /// <summary>Ends the COPY (trailer, flush, CopyDone); returns the rows written.</summary>
    public long Complete()
    {
        _digest = null;
        _hashFrom = -1;
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buf.AsSpan(_pos), -1);
        _pos += 2;
        Flush();
        var s = _stream!;
        _stream = null;
        s.Dispose();
        return Rows;
    }

    /// <summary>Abandons a COPY that failed half-way (the transaction is rolled back by the caller anyway).</summary>
    public void Abandon()
    {
        var s = _stream;
        _stream = null;
        _digest = null;
        _hashFrom = -1;
        if (s is null) return;
        try
        {
            ((NpgsqlRawCopyStream)s).Cancel();
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or InvalidOperationException or IOException)
        {
            // The connection is broken or the COPY already ended; the caller disposes the connection.
        }
        s.Dispose();
    }

    public void StartRow(short columns)
    {
        if (_pos >= FlushAt) Flush();
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buf.AsSpan(_pos), columns);
        _pos += 2;
        Rows++;
    }

    public void Null()
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(_pos), -1);
        _pos += 4;
    }

    public void Text(string? s)
    {
        if (s is null) Null();
        else Text(s.AsSpan());
    }

    public void Text(ReadOnlySpan<char> s)
    {
        Ensure(4 + Encoding.UTF8.GetMaxByteCount(s.Length));
        int n = Encoding.UTF8.GetBytes(s, _buf.AsSpan(_pos + 4));
        BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(_pos), n);
        _pos += 4 + n;
    }

    public void Int(int v)
    {
        Ensure(8);
        var span = _buf.AsSpan(_pos);
        BinaryPrimitives.WriteInt32BigEndian(span, 4);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], v);
        _pos += 8;
    }

    public void Int(int? v)
    {
        if (v is { } x) Int(x);
        else Null();
    }

    public void Long(long v)
    {
        Ensure(12);
        var span = _buf.AsSpan(_pos);
        BinaryPrimitives.WriteInt32BigEndian(span, 8);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], v);
        _pos += 12;
    }

    public void Long(long? v)
    {
        if (v is { } x) Long(x);
        else Null();
    }

    public void Bool(bool v)
    {
        Ensure(5);
        BinaryPrimitives.WriteInt32BigEndian(_buf.AsSpan(_pos), 1);
        _buf[_pos + 4] = v ? (byte)1 : (byte)0;
        _pos += 5;
    }

    public void TimestampTz(DateTimeOffset v) => Long8((v.UtcTicks - PgEpochTicks) / 10);

    /// <summary>A one-dimensional int8[] without nulls (lower bound 1); an empty span is the empty array.</summary>
    public void Longs(ReadOnlySpan<long> values)
    {
        int body = values.Length == 0 ? 12 : 20 + 12 * values.Length;
        Ensure(4 + body);
        var span = _buf.AsSpan(_pos);
        BinaryPrimitives.WriteInt32BigEndian(span, body);
        BinaryPrimitives.WriteInt32BigEndian(span[4..], values.Length == 0 ? 0 : 1); // ndim
        BinaryPrimitives.WriteInt32BigEndian(span[8..], 0); // has nulls
        BinaryPrimitives.WriteInt32BigEndian(span[12..], Int8Oid);
        int p = 16;
        if (values.Length > 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(span[16..], values.Length);
            BinaryPrimitives.WriteInt32BigEndian(span[20..], 1);
            p = 24;
            foreach (long v in values)
            {
                BinaryPrimitives.WriteInt32BigEndian(span[p..], 8);
                BinaryPrimitives.WriteInt64BigEndian(span[(p + 4)..], v);
                p += 12;
            }
        }
        _pos += p;
    }

    private void Long8(long v) => Long(v);

    private void Bytes(ReadOnlySpan<byte> b)
    {
        Ensure(b.Length);
        b.CopyTo(_buf.AsSpan(_pos));
        _pos += b.Length;
    }

    private void Ensure(int n)
    {
        if (_pos + n <= _buf.Length) return;
        Flush();
        if (n > _buf.Length) Array.Resize(ref _buf, Math.Max(n, _buf.Length * 2));
    }

    private void Flush()
    {
        if (_pos == 0) return;
        if (_hashFrom >= 0)
        {
            // A row may span a flush: its first bytes go to the digest now, the rest at HashPending.
            _digest!.Append(_buf.AsSpan(_hashFrom, _pos - _hashFrom));
            _hashFrom = 0;
        }
        _stream!.Write(_buf, 0, _pos);
        _pos = 0;
    }
}
