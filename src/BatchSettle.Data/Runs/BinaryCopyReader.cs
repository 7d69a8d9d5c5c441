using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Reads PostgreSQL's binary COPY format by hand from a raw binary COPY OUT stream: the read-side twin of
/// <see cref="BinaryCopyWriter"/>. NpgsqlBinaryExporter.Read resolves a converter and checks the buffer for every
/// column (~30 a claim); the claims stream's reader thread was the largest part of the runner's own CPU
/// (docs/PERFORMANCE.md). Here a whole row is made contiguous in a reused buffer and its columns are decoded straight
/// from it. Short code columns (admdvs, med_type, …) repeat a handful of values, so each column keeps a few decoded
/// strings and reuses one when the bytes match instead of allocating a new string per row.
/// </summary>
internal sealed class BinaryCopyReader : IDisposable
{
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private static readonly int PgEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    private readonly Stream _stream;
    private byte[] _buf = new byte[256 * 1024];
    private int _start;
    private int _end;
    private bool _eof;
    private bool _done;

    // The current row: the offset of each field's bytes in _buf (-1 = null) and their lengths.
    private int[] _off = new int[32];
    private int[] _len = new int[32];
    private int _fields;
    private int _next;
    private int _rowBytes; // the current row's length from _start

    private readonly StringCache[] _caches = new StringCache[64];

    public BinaryCopyReader(NpgsqlConnection conn, string copySql)
    {
        _stream = conn.BeginRawBinaryCopy(copySql);
        ReadHeader();
    }

    private void ReadHeader()
    {
        if (!Fill(19)) throw new FormatException("binary COPY: stream ended before its header");
        if (!_buf.AsSpan(_start, 11).SequenceEqual(Signature)) throw new FormatException("binary COPY: bad signature");
        int extension = BinaryPrimitives.ReadInt32BigEndian(_buf.AsSpan(_start + 15));
        _start += 19;
        if (extension > 0)
        {
            if (!Fill(extension)) throw new FormatException("binary COPY: stream ended in the header extension");
            _start += extension;
        }
    }

    /// <summary>Moves to the next row; false after the trailer. Decode its fields in order with the typed readers.</summary>
    public bool NextRow()
    {
        if (_done) return false;
        _start += _rowBytes; // past the row just read
        _rowBytes = 0;
        if (!Fill(2)) throw new FormatException("binary COPY: stream ended without a trailer");
        short n = BinaryPrimitives.ReadInt16BigEndian(_buf.AsSpan(_start));
        if (n == -1)
        {
            _done = true;
            _fields = 0;
            _next = 0;
            return false;
        }
        if (n > _off.Length)
        {
            _off = new int[n];
            _len = new int[n];
        }
        // Make the whole row contiguous in the buffer, then note where each field is.
        int pos = 2;
        for (int i = 0; i < n; i++)
        {
            if (!Fill(pos + 4)) throw new FormatException("binary COPY: stream ended inside a row");
            int len = BinaryPrimitives.ReadInt32BigEndian(_buf.AsSpan(_start + pos));
            pos += 4;
            _off[i] = len < 0 ? -1 : pos;
            _len[i] = len;
            if (len > 0)
            {
                if (!Fill(pos + len)) throw new FormatException("binary COPY: stream ended inside a field");
                pos += len;
            }
        }
        _fields = n;
        _rowBytes = pos;
        _next = 0;
        return true;
    }

    public int FieldCount => _fields;

    /// <summary>The current row's bytes as the stream carries them: field count, then each field's length and value
    /// (the seal's digest hashes them, <see cref="RowDigest"/>: the same bytes <see cref="BinaryCopyWriter"/> sent).</summary>
    public ReadOnlySpan<byte> RowBytes => _buf.AsSpan(_start, _rowBytes);

    private ReadOnlySpan<byte> Field(int expected = -1)
    {
        if (_next >= _fields) throw new FormatException($"binary COPY: row has {_fields} fields, read past the end");
        int i = _next++;
        int len = _len[i];
        if (len < 0) throw new FormatException($"binary COPY: field {i + 1} is null");
        if (expected >= 0 && len != expected) throw new FormatException($"binary COPY: field {i + 1} has {len} bytes, expected {expected}");
        return _buf.AsSpan(_start + _off[i], len);
    }

    /// <summary>Skips a null field and returns true, or returns false (the field is still to be read).</summary>
    public bool SkipNull()
    {
        if (_next >= _fields) throw new FormatException($"binary COPY: row has {_fields} fields, read past the end");
        if (_len[_next] >= 0) return false;
        _next++;
        return true;
    }

    public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Field(8));

    public int Int32() => BinaryPrimitives.ReadInt32BigEndian(Field(4));

    public int? NullableInt32() => SkipNull() ? null : Int32();

    public bool Bool() => Field(1)[0] != 0;

    public bool? NullableBool() => SkipNull() ? null : Bool();

    public DateOnly Date()
    {
        int days = BinaryPrimitives.ReadInt32BigEndian(Field(4));
        if (days is int.MaxValue or int.MinValue) throw new FormatException($"binary COPY: field {_next} is an infinite date");
        return DateOnly.FromDayNumber(PgEpochDay + days);
    }

    public DateOnly? NullableDate() => SkipNull() ? null : Date();

    /// <summary>A text field's UTF-8 bytes, valid until the next <see cref="NextRow"/> (a merge key compared without
    /// making a string of it).</summary>
    public ReadOnlySpan<byte> TextBytes() => Field();

    /// <summary>
    /// A one-dimensional int8[] into <paramref name="into"/> (elements past its length are ignored, slots past the
    /// array's are left as they are): the array's binary form is ndim, a has-nulls flag, the element type, then per
    /// dimension its length and lower bound, then each element's length and value. A null element is refused.
    /// </summary>
    public void Int64Array(Span<long> into)
    {
        var f = Field();
        if (f.Length < 12) throw new FormatException($"binary COPY: field {_next} is not an array");
        int ndim = BinaryPrimitives.ReadInt32BigEndian(f);
        if (ndim == 0) return; // '{}'
        if (ndim != 1) throw new FormatException($"binary COPY: field {_next} has {ndim} dimensions, expected 1");
        if (BinaryPrimitives.ReadUInt32BigEndian(f[8..]) != Int8Oid) throw new FormatException($"binary COPY: field {_next} is not an int8[]");
        int count = BinaryPrimitives.ReadInt32BigEndian(f[12..]);
        if (count < 0 || f.Length != 20 + 12 * count) throw new FormatException($"binary COPY: field {_next} has a bad array length");
        for (int i = 0, at = 20; i < count; i++, at += 12)
        {
            if (BinaryPrimitives.ReadInt32BigEndian(f[at..]) != 8) throw new FormatException($"binary COPY: field {_next} has a null or malformed element {i + 1}");
            if (i < into.Length) into[i] = BinaryPrimitives.ReadInt64BigEndian(f[(at + 4)..]);
        }
    }

    private const uint Int8Oid = 20;

    /// <summary>Text as a new string (values that rarely repeat, e.g. setl_id).</summary>
    public string Text() => Encoding.UTF8.GetString(Field());

    public string? NullableText() => SkipNull() ? null : Text();

    /// <summary>Text of a column with few distinct values: a cached string when the bytes match one seen before in
    /// this column (<paramref name="column"/> is the caller's column number, used only to keep caches apart).</summary>
    public string Code(int column)
    {
        var bytes = Field();
        ref var cache = ref _caches[column];
        cache ??= new StringCache();
        return cache.Get(bytes);
    }

    public string? NullableCode(int column) => SkipNull() ? null : Code(column);

    /// <summary>
    /// numeric as decimal, exactly: the binary form is base-10000 digits with a weight (the power of 10000 of the
    /// first digit), a sign and a display scale. NaN and infinities are refused; so is a value decimal cannot hold.
    /// </summary>
    public decimal Numeric()
    {
        var f = Field();
        if (f.Length < 8) throw new FormatException($"binary COPY: field {_next} is not a numeric");
        int ndigits = BinaryPrimitives.ReadInt16BigEndian(f);
        int weight = BinaryPrimitives.ReadInt16BigEndian(f[2..]);
        ushort sign = BinaryPrimitives.ReadUInt16BigEndian(f[4..]);
        int dscale = BinaryPrimitives.ReadInt16BigEndian(f[6..]);
        if (sign is not (0x0000 or 0x4000)) throw new FormatException($"binary COPY: field {_next} is NaN or infinite");
        if (f.Length != 8 + 2 * ndigits) throw new FormatException($"binary COPY: field {_next} has a bad numeric length");
        decimal v = 0m;
        try
        {
            for (int i = 0; i < ndigits; i++) v = v * 10000m + BinaryPrimitives.ReadInt16BigEndian(f[(8 + 2 * i)..]);
            // v is the digits as an integer; the last digit has weight (weight − ndigits + 1).
            int exp = weight - ndigits + 1;
            for (; exp > 0; exp--) v *= 10000m;
            for (; exp < 0; exp++) v /= 10000m;
        }
        catch (OverflowException e)
        {
            throw new FormatException($"binary COPY: field {_next} does not fit a decimal", e);
        }
        // Keep the value's display scale (as Npgsql's decimal does): 100.00 stays 100.00.
        if (dscale is >= 0 and <= 28) v = decimal.Round(v, dscale) + new decimal(0, 0, 0, false, (byte)dscale);
        return sign == 0x4000 ? -v : v;
    }

    /// <summary>Ensures <paramref name="count"/> bytes from _start are in the buffer; false at the end of the stream.</summary>
    private bool Fill(int count)
    {
        if (_end - _start >= count) return true;
        if (count > _buf.Length)
        {
            var bigger = new byte[Math.Max(count, _buf.Length * 2)];
            Buffer.BlockCopy(_buf, _start, bigger, 0, _end - _start);
            _end -= _start;
            _start = 0;
            _buf = bigger;
        }
        else if (_start + count > _buf.Length)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        while (_end - _start < count)
        {
            if (_eof) return false;
            int r = _stream.Read(_buf, _end, _buf.Length - _end);
            if (r == 0)
            {
                _eof = true;
                return false;
            }
            _end += r;
        }
        return true;
    }

    public void Dispose() => _stream.Dispose();

    /// <summary>A few decoded strings of one column, matched by their UTF-8 bytes; past its capacity it decodes.</summary>
    private sealed class StringCache
    {
        private const int Capacity = 16;
        private readonly byte[][] _keys = new byte[Capacity][];
        private readonly string[] _values = new string[Capacity];
        private int _count;

        public string Get(ReadOnlySpan<byte> bytes)
        {
            for (int i = 0; i < _count; i++)
            {
                if (bytes.SequenceEqual(_keys[i])) return _values[i];
            }
            string s = Encoding.UTF8.GetString(bytes);
            if (_count < Capacity && bytes.Length <= 64)
            {
                _keys[_count] = bytes.ToArray();
                _values[_count] = s;
                _count++;
            }
            return s;
        }
    }
}
