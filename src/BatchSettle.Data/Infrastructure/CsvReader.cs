using System.Text;

namespace BatchSettle.Data.Infrastructure;

/// <summary>
/// A small RFC 4180 reader: comma-separated, double-quoted fields (with "" escapes and embedded line breaks), UTF-8.
/// <see cref="Line"/> is the physical line a record starts on (the header is line 1).
/// </summary>
public sealed class CsvReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly StringBuilder _field = new();
    private int _nextLine = 1;

    public CsvReader(TextReader reader) => _reader = reader;

    public static CsvReader Open(string path) =>
        new(new StreamReader(path, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, 1 << 16));

    /// <summary>Line number where the last record read starts.</summary>
    public int Line { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/> (cleared first); false at end of file.</summary>
    public bool Read(List<string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        fields.Clear();
        int c = _reader.Read();
        // Skip blank lines between records.
        while (c == '\n' || c == '\r')
        {
            if (c == '\n') _nextLine++;
            c = _reader.Read();
        }
        if (c < 0) return false;
        Line = _nextLine;
        _field.Clear();
        bool quoted = false;
        bool wasQuoted = false;
        while (true)
        {
            if (quoted)
            {
                if (c < 0) throw new FormatException($"line {Line}: unterminated quoted field");
                if (c == '"')
                {
                    if (_reader.Peek() == '"') { _reader.Read(); _field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') _nextLine++;
                    _field.Append((char)c);
                }
            }
            else if (c == '"' && _field.Length == 0 && !wasQuoted)
            {
                quoted = true;
                wasQuoted = true;
            }
            else if (c == ',')
            {
                fields.Add(_field.ToString());
                _field.Clear();
                wasQuoted = false;
            }
            else if (c == '\n' || c < 0)
            {
                if (c == '\n') _nextLine++;
                if (_field.Length > 0 && _field[^1] == '\r' && !wasQuoted) _field.Length--;
                fields.Add(_field.ToString());
                return true;
            }
            else if (c == '\r' && _reader.Peek() == '\n')
            {
                // CRLF: the '\n' ends the record.
            }
            else
            {
                _field.Append((char)c);
            }
            c = _reader.Read();
        }
    }

    public void Dispose() => _reader.Dispose();
}
