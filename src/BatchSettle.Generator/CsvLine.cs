using BatchSettle.Core.Money;

namespace BatchSettle.Generator;

/// <summary>
/// Builds one CSV line in a reused char buffer and hands it to the writer in one call, so writing millions of rows
/// allocates nothing per row. Values the generator writes never contain commas, quotes or newlines, so nothing is quoted.
/// </summary>
internal sealed class CsvLine
{
    private readonly char[] _buf = new char[4096];
    private int _pos;
    private bool _first = true;

    /// <summary>Starts the next field (writes the separating comma).</summary>
    private Span<char> Next(int room)
    {
        if (!_first) _buf[_pos++] = ',';
        _first = false;
        return _buf.AsSpan(_pos, room);
    }

    public void Text(ReadOnlySpan<char> s)
    {
        s.CopyTo(Next(s.Length));
        _pos += s.Length;
    }

    /// <summary>An empty cell (null).</summary>
    public void Empty() => Next(0);

    public void Int(long v)
    {
        if (!v.TryFormat(Next(20), out int w, default, System.Globalization.CultureInfo.InvariantCulture)) Fail();
        _pos += w;
    }

    /// <summary><paramref name="v"/> left-padded with zeros to <paramref name="width"/> digits, appended to the current field.</summary>
    public void AppendDigits(long v, int width)
    {
        for (int i = width - 1; i >= 0; i--)
        {
            _buf[_pos + i] = (char)('0' + (int)(v % 10));
            v /= 10;
        }
        _pos += width;
    }

    /// <summary>Appends to the current field without a separator.</summary>
    public void Append(ReadOnlySpan<char> s)
    {
        s.CopyTo(_buf.AsSpan(_pos));
        _pos += s.Length;
    }

    public void Money(long fen)
    {
        if (!FenMath.TryFormatYuan(fen, Next(24), out int w)) Fail();
        _pos += w;
    }

    public void Date(DateOnly d)
    {
        Next(10);
        AppendDate(d);
    }

    public void AppendDate(DateOnly d)
    {
        AppendDigits(d.Year, 4);
        _buf[_pos++] = '-';
        AppendDigits(d.Month, 2);
        _buf[_pos++] = '-';
        AppendDigits(d.Day, 2);
    }

    public void Date(DateOnly? d)
    {
        if (d is { } v) Date(v);
        else Empty();
    }

    public void Bool(bool b) => Text(b ? "true" : "false");

    /// <summary>Writes the line and a '\n' (the same on every OS, so files are byte-identical everywhere).</summary>
    public void EndLine(TextWriter w)
    {
        _buf[_pos++] = '\n';
        w.Write(_buf.AsSpan(0, _pos));
        _pos = 0;
        _first = true;
    }

    private static void Fail() => throw new InvalidOperationException("CSV field did not fit the line buffer");
}
