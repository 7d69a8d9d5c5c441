using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Spreadsheet;

namespace BatchSettle.Data.Export;

/// <summary>How a column is written: ids and codes as text (never a number Excel could round), money numeric.</summary>
public enum XlsxKind
{
    /// <summary>An identifier or code: text, always (a 22-digit setl_id stays exact).</summary>
    Id,
    Text,
    /// <summary>Fen in, yuan out: a numeric cell formatted #,##0.00; summed in the totals row.</summary>
    Money,
    /// <summary>A count: numeric, summed in the totals row.</summary>
    Count,
}

/// <summary>A column: its Chinese header with the national field name beside it.</summary>
public sealed record XlsxColumn(string Zh, string Field, XlsxKind Kind)
{
    public string Header => Field.Length == 0 ? Zh : $"{Zh} ({Field})";
}

/// <summary>
/// Writes one worksheet as a stream (DocumentFormat.OpenXml's SAX-style <see cref="OpenXmlWriter"/> on a write-only
/// file stream, so the package is zipped as it is written and memory stays flat however many rows): title rows (the
/// national report header), one header row, data rows, a totals row.
/// </summary>
public sealed class XlsxWriter : IDisposable
{
    public const uint MoneyStyle = 1, TextStyle = 2, HeaderStyle = 3, TotalMoneyStyle = 4, BoldStyle = 5, CountStyle = 6;
    public const string MoneyFormat = "#,##0.00";

    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly Stream _sheet;
    private readonly OpenXmlWriter _w;
    private IReadOnlyList<XlsxColumn> _columns = [];
    private long[] _sums = [];
    private bool _done;

    public long Rows { get; private set; }

    private XlsxWriter(string path, string sheetName)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        // The package is zipped as it is written (ZipArchiveMode.Create): OpenXml's own SpreadsheetDocument.Create
        // needs a readable stream and then keeps every part in memory until it is saved, which a 5M-row sheet cannot
        // afford. The small parts are OpenXml elements serialised; the sheet is written row by row by OpenXmlWriter.
        _zip = new ZipArchive(_file, ZipArchiveMode.Create, leaveOpen: true);
        Part("[Content_Types].xml",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """);
        Part("_rels/.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """);
        Part("xl/_rels/workbook.xml.rels",
            """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
            """);
        Part("xl/workbook.xml", Xml(new Workbook(new Sheets(new Sheet { Id = "rId1", SheetId = 1, Name = sheetName }))));
        Part("xl/styles.xml", Xml(Styles()));
        _sheet = _zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open();
        _w = OpenXmlWriter.Create(_sheet);
        _w.WriteStartDocument(true);
        _w.WriteStartElement(new Worksheet());
        _w.WriteStartElement(new SheetData());
    }

    private static string Xml(OpenXmlElement e) => "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>" + e.OuterXml;

    private void Part(string name, string xml)
    {
        using var s = _zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        var bytes = new UTF8Encoding(false).GetBytes(xml.Trim());
        s.Write(bytes);
    }

    public static XlsxWriter Create(string path, string sheetName) => new(path, sheetName);

    /// <summary>Bold text rows above the table (e.g. 编制单位, 险种, period, 单位：元).</summary>
    public void Title(params string[] lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        foreach (var l in lines) WriteRow([TextCell(l, BoldStyle)]);
    }

    public void Header(IReadOnlyList<XlsxColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = columns;
        _sums = new long[columns.Count];
        WriteRow(columns.Select(c => TextCell(c.Header, HeaderStyle)).ToList());
    }

    /// <summary>A data row: per column a string (Id, Text) or a long (Money in fen, Count); null = empty cell.</summary>
    public void Row(IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var cells = new List<Cell>(values.Count);
        for (int i = 0; i < values.Count; i++)
        {
            var kind = i < _columns.Count ? _columns[i].Kind : XlsxKind.Text;
            switch (values[i])
            {
                case null:
                    cells.Add(new Cell());
                    break;
                case long n when kind is XlsxKind.Money:
                    _sums[i] += n;
                    cells.Add(MoneyCell(n, MoneyStyle));
                    break;
                case long n:
                    if (kind is XlsxKind.Count) _sums[i] += n;
                    cells.Add(new Cell { DataType = CellValues.Number, CellValue = new CellValue(n.ToString(CultureInfo.InvariantCulture)), StyleIndex = CountStyle });
                    break;
                case var v:
                    cells.Add(TextCell(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", TextStyle));
                    break;
            }
        }
        WriteRow(cells);
        Rows++;
    }

    /// <summary>The totals row (合计): money and count columns summed over the data rows.</summary>
    public void Totals(string label = "合计")
    {
        var cells = new List<Cell>();
        for (int i = 0; i < _columns.Count; i++)
        {
            if (i == 0) cells.Add(TextCell(label, BoldStyle));
            else if (_columns[i].Kind == XlsxKind.Money) cells.Add(MoneyCell(_sums[i], TotalMoneyStyle));
            else if (_columns[i].Kind == XlsxKind.Count)
                cells.Add(new Cell { DataType = CellValues.Number, CellValue = new CellValue(_sums[i].ToString(CultureInfo.InvariantCulture)), StyleIndex = CountStyle });
            else cells.Add(new Cell());
        }
        WriteRow(cells);
    }

    private void WriteRow(IReadOnlyList<Cell> cells)
    {
        _w.WriteStartElement(new Row());
        foreach (var c in cells) _w.WriteElement(c);
        _w.WriteEndElement();
    }

    private static Cell TextCell(string s, uint style) =>
        new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(s) { Space = SpaceProcessingModeValues.Preserve }), StyleIndex = style };

    private static Cell MoneyCell(long fen, uint style)
    {
        // Exact decimal text of the yuan amount; Excel reads it as a number.
        string v = (fen / 100m).ToString("0.00", CultureInfo.InvariantCulture);
        return new Cell { DataType = CellValues.Number, CellValue = new CellValue(v), StyleIndex = style };
    }

    private static Stylesheet Styles() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = MoneyFormat }) { Count = 1 },
        new Fonts(new Font(new FontSize { Val = 11 }), new Font(new Bold(), new FontSize { Val = 11 })) { Count = 2 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border()) { Count = 1 },
        new CellFormats(
            new CellFormat(),
            new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 49, ApplyNumberFormat = true },
            new CellFormat { FontId = 1, ApplyFont = true, NumberFormatId = 49, ApplyNumberFormat = true },
            new CellFormat { FontId = 1, ApplyFont = true, NumberFormatId = 164, ApplyNumberFormat = true },
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 1, ApplyNumberFormat = true }) { Count = 7 });

    /// <summary>Finishes the sheet and the package.</summary>
    public void Complete()
    {
        if (_done) return;
        _done = true;
        _w.WriteEndElement(); // SheetData
        _w.WriteEndElement(); // Worksheet
        _w.Close();
        _sheet.Dispose();
        _zip.Dispose();
        _file.Dispose();
    }

    public void Dispose()
    {
        try
        {
            Complete();
        }
        finally
        {
            _w.Dispose();
            _sheet.Dispose();
            _zip.Dispose();
            _file.Dispose();
        }
    }
}
