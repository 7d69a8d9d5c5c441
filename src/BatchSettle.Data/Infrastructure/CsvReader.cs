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

    /// <summary>
    /// Stands in for each byte sequence that is not UTF-8. U+FFFF is a noncharacter (never in text), so a field that
    /// holds it was not valid UTF-8 and is refused by the loader, not silently replaced with U+FFFD.
    /// </summary>
    public const char InvalidUtf8 = '\uFFFF';

    /// <summary>Longest field kept; a longer one is cut there and the record marked (<see cref="Error"/>).</summary>
    public const int MaxFieldChars = 1 << 16;

    private static readonly Encoding Utf8Marked =
        Encoding.GetEncoding("utf-8", EncoderFallback.ExceptionFallback, new DecoderReplacementFallback(InvalidUtf8.ToString()));

    /// <summary>Opens a UTF-8 file (a byte-order mark is read as U+FEFF; the loader strips it from the header).</summary>
    public static CsvReader Open(string path) =>
        new(new StreamReader(path, Utf8Marked, detectEncodingFromByteOrderMarks: false, 1 << 16));

    /// <summary>Bytes of the file read so far (to the reader's buffer, up to 64 KiB ahead): a progress bar's measure.</summary>
    public long BytesRead => _reader is StreamReader { BaseStream.CanSeek: true } s ? s.BaseStream.Position : 0;

    /// <summary>Line number where the last record read starts.</summary>
    public int Line { get; private set; }

    /// <summary>What is wrong with the last record as a CSV record (unterminated quote, oversized field); null when fine.</summary>
    public string? Error { get; private set; }

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
        Error = null;
        _field.Clear();
        bool quoted = false;
        bool wasQuoted = false;
        while (true)
        {
            if (quoted)
            {
                if (c < 0)
                {
                    // The rest of the file is inside the quotes: one bad record, named, not a failed load.
                    Error = $"unterminated quoted field (from line {Line} to the end of the file)";
                    fields.Add(_field.ToString());
                    return true;
                }
                if (c == '"')
                {
                    if (_reader.Peek() == '"') { _reader.Read(); _field.Append('"'); }
                    else quoted = false;
                }
                else
                {
                    if (c == '\n') _nextLine++;
                    Append((char)c);
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
                Append((char)c);
            }
            c = _reader.Read();
        }
    }

    private void Append(char c)
    {
        if (_field.Length < MaxFieldChars) _field.Append(c);
        else Error ??= $"a field longer than {MaxFieldChars} characters";
    }

    public void Dispose() => _reader.Dispose();
}
