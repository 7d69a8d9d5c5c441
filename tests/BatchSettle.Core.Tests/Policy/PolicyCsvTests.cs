using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Policy;

public class PolicyCsvTests
{
    /// <summary>Every rule of POLICY.md that carries a number (plus the ids INTERPRETATIONS.md gives unnumbered sections).</summary>
    public static TheoryData<string> NumberedRules => new()
    {
        "EL-02", "EL-03", "EL-04", "EL-05", "EL-06",
        "BX-IP-01", "BX-IP-02", "BX-IP-05", "BX-EMP-01", "BX-RM-01", "BX-RM-02",
        "YK-IP-01", "YK-IP-04", "YK-IP-06",
        "BX-OP-01", "YK-OP-01", "EMP-OP-01", "BX-2B-01", "YK-2B-01", "CHR-01", "BX-MT-01", "BX-MT-02",
        "CI-02", "CI-03", "CI-04", "CI-05", "CI-06", "CI-07", "LA-01", "LA-02", "LA-03",
        "YK-MA-04", "YK-MA-05", "YK-MA-08", "EW-01", "PS-01",
    };

    [Fact]
    public void Parse_ShippedFile_ParsesWithUniqueIds()
    {
        var ps = PolicyCsv.Parse(File.ReadAllText(CsvPath));
        Assert.True(ps.Count > 150);
        Assert.Equal(ps.Count, ps.Select(p => p.Id).Distinct().Count());
        Assert.All(ps, p => Assert.False(string.IsNullOrWhiteSpace(p.Citation)));
        _ = new PolicySet(ps).KeyCount; // no overlapping versions
    }

    [Theory]
    [MemberData(nameof(NumberedRules))]
    public void Parse_ShippedFile_HasEveryNumberedRule(string rule) =>
        Assert.Contains(Set.All, p => p.RuleId == rule);

    [Fact]
    public void Parse_PolicyMd_EveryRuleIdWithANumberIsShipped()
    {
        // When the shared rulebook is reachable, every rule id of a bullet that states a number must be in the CSV.
        string md = Path.Combine(RepoRoot, "..", "..", "shared", "POLICY.md");
        if (!File.Exists(md)) return;
        var ids = Set.All.Select(p => p.RuleId).ToHashSet();
        foreach (var line in File.ReadAllLines(md))
        {
            var m = System.Text.RegularExpressions.Regex.Match(line, @"^- ((?:BX|YK|CI|LA|EL)-[A-Z0-9-]+\d)\b");
            if (!m.Success) continue;
            // Drop rule-id references, document numbers (〔2022〕26号) and seed citations ([000:186]) before looking for a quantity.
            string body = System.Text.RegularExpressions.Regex.Replace(line[m.Length..], @"[A-Z]{2}(-[A-Z0-9]+)+|〔\d+〕\d+号|\d{4}-\d{2}-\d{2}|\[\d{3}:\d+\]|\(v2[^)]*\)", "");
            bool hasNumber = System.Text.RegularExpressions.Regex.IsMatch(body, @"\d+(,\d{3})*\s*(/|%|month|day|per|\))")
                || System.Text.RegularExpressions.Regex.IsMatch(body, @"\d{1,3},\d{3}");
            if (hasNumber) Assert.True(ids.Contains(m.Groups[1].Value), $"{m.Groups[1].Value} has a number but no row");
        }
    }

    [Fact]
    public void Parse_QuotedFieldWithCommaAndQuote_Roundtrips()
    {
        string csv = PolicyCsv.Header + "\n1,R-1,k,,210500,390,5,fen,2024-01-01,,stated,\"doc, clause \"\"1\"\"\",\"a,\nb\"\n";
        var p = Assert.Single(PolicyCsv.Parse(csv));
        Assert.Equal("doc, clause \"1\"", p.Citation);
        Assert.Equal("a,\nb", p.Note);
        Assert.Equal(Region.Benxi, p.Region);
        Assert.Equal(InsuType.Resident, p.InsuType);
    }

    [Theory]
    [InlineData("1,R,k,,210500,390,5,yuan,2024-01-01,,stated,c,", 3, 8)]
    [InlineData("1,R,k,,210500,390,x,fen,2024-01-01,,stated,c,", 3, 7)]
    [InlineData("1,R,k,,999999,390,5,fen,2024-01-01,,stated,c,", 3, 5)]
    [InlineData("1,R,k,,210500,390,5,fen,2024-13-01,,stated,c,", 3, 9)]
    [InlineData("1,R,k,,210500,390,5,fen,2024-01-01,,guessed,c,", 3, 11)]
    [InlineData("1,R,k,,210500,390,5,fen,2024-01-01,,stated,,", 3, 12)]
    public void Parse_BadCell_NamesLineAndColumn(string row, int line, int col)
    {
        string csv = PolicyCsv.Header + "\n2,R,k,,,,1,count,2020-01-01,,stated,c,\n" + row + "\n";
        var ex = Assert.Throws<FormatException>(() => PolicyCsv.Parse(csv));
        Assert.Contains($"line {line}, column {col}", ex.Message);
    }

    [Fact]
    public void Parse_DuplicateId_Throws()
    {
        string csv = PolicyCsv.Header + "\n1,R,k,,,,1,count,2020-01-01,,stated,c,\n1,R,k2,,,,1,count,2020-01-01,,stated,c,\n";
        Assert.Contains("duplicate id 1", Assert.Throws<FormatException>(() => PolicyCsv.Parse(csv)).Message);
    }

    [Fact]
    public void Parse_WrongHeader_Throws() =>
        Assert.Throws<FormatException>(() => PolicyCsv.Parse("id,rule\n1,R\n"));

    [Fact]
    public void Parse_LeadingBom_Accepted() =>
        Assert.Single(PolicyCsv.Parse("\uFEFF" + PolicyCsv.Header + "\r\n1,R,k,,,,1,count,2020-01-01,,stated,c,\r\n"));
}
