using Xunit;

namespace BatchSettle.Generator.Tests;

/// <summary>Generates in memory once per parameter set and splits the CSV into header + rows of cells.</summary>
internal sealed class GeneratedFiles
{
    public GeneratedFiles(int persons, long claims, ulong seed, int year = 2025, int month = 3)
    {
        Options = new GenerateOptions(persons, claims, seed, year, month);
        var p = new StringWriter();
        var c = new StringWriter();
        Stats = DataGenerator.Write(Options, p, c);
        PersonsText = p.ToString();
        ClaimsText = c.ToString();
        (PersonsHeader, Persons) = Split(PersonsText);
        (ClaimsHeader, Claims) = Split(ClaimsText);
    }

    public GenerateOptions Options { get; }
    public GenerateStats Stats { get; }
    public string PersonsText { get; }
    public string ClaimsText { get; }
    public string[] PersonsHeader { get; }
    public List<Dictionary<string, string>> Persons { get; }
    public string[] ClaimsHeader { get; }
    public List<Dictionary<string, string>> Claims { get; }

    private static (string[] Header, List<Dictionary<string, string>> Rows) Split(string text)
    {
        Assert.EndsWith("\n", text);
        string[] lines = text[..^1].Split('\n');
        string[] header = lines[0].Split(',');
        var rows = new List<Dictionary<string, string>>(lines.Length - 1);
        for (int i = 1; i < lines.Length; i++)
        {
            string[] cells = lines[i].Split(',');
            Assert.Equal(header.Length, cells.Length);
            var row = new Dictionary<string, string>(header.Length, StringComparer.Ordinal);
            for (int k = 0; k < header.Length; k++) row[header[k]] = cells[k];
            rows.Add(row);
        }
        return (header, rows);
    }
}
