using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Tests.Policy;

/// <summary>
/// Issue 15, item 1: a simulation draft is validated like the shipped params.csv and against it, every error naming
/// the draft's line and field; a valid draft overrides the in-force rows of its slot for its range only.
/// </summary>
public sealed class PolicyDraftTests
{
    private const string Header = "id,rule_id,key,qualifier,admdvs,insutype,value,unit,effective_from,effective_to,provenance,citation,note";

    private static IReadOnlyList<PolicyParam> InForce => TestPolicy.Set.All;

    private static string Draft(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    // A good row: Benxi pooled-fund cap 80,000 → 100,000 yuan for 2025 (BX-IP-05, in force row 25).
    private const string GoodCap = "100001,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,draft for costing,draft: cap 100000";

    [Fact]
    public void ValidDraft_Parses_WithItsLines()
    {
        var d = PolicyDraft.Parse(Draft(GoodCap), "draft.csv", InForce);
        var (line, p) = Assert.Single(d.Rows);
        Assert.Equal(2, line);
        Assert.Equal(10_000_000, p.Value);
    }

    [Theory]
    [InlineData("100001,BX-IP-05,pool.cap,,210500,,10000000,yuan,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 8 (unit): unknown unit 'yuan'")]
    [InlineData("100001,BX-IP-01,ip.ratio,tertiary,210500,390,12000,bp,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 7 (value): 12000 bp is not a ratio")]
    [InlineData("100001,BX-IP-05,pool.cap,,210500,,100,months,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 8 (unit): unit 'months' but pool.cap/ is in 'fen'")]
    [InlineData("100001,BX-IP-05,pool.cup,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 3 (key): unknown key 'pool.cup'")]
    [InlineData("100001,BX-IP-05,ip.dedc,quaternary,210500,390,1,fen,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 4 (qualifier): unknown qualifier 'quaternary'")]
    [InlineData("100001,BX-IP-99,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 2 (rule_id): unknown rule id 'BX-IP-99'")]
    [InlineData("100001,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,,draft", "line 2, column 12 (citation): citation is required")]
    [InlineData("100001,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,c,cap 100000", "line 2, column 13 (note): the note must say the row is a draft")]
    [InlineData("25,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,c,draft", "line 2, column 1 (id): id 25 is a parameter in force")]
    [InlineData("100001,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-13-01,2025-12-31,assumed,c,draft", "line 2, column 9 (effective_from): effective_from '2025-13-01' is not a date")]
    [InlineData("100001,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,guessed,c,draft", "line 2, column 11 (provenance): unknown provenance 'guessed'")]
    public void BadDraft_Rejected_NamingLineAndField(string row, string expected)
    {
        var e = Assert.Throws<FormatException>(() => PolicyDraft.Parse(Draft(row), "draft.csv", InForce));
        Assert.StartsWith("draft.csv ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingRowsOfOneKey_Rejected_NamingBothLines()
    {
        var e = Assert.Throws<FormatException>(() => PolicyDraft.Parse(Draft(
            GoodCap,
            "100002,BX-IP-05,pool.cap,,210500,,12000000,fen,2025-06-01,,assumed,draft for costing,draft: cap 120000 from June"), "draft.csv", InForce));
        Assert.Contains("draft.csv line 3, column 9 (effective_from): pool.cap/ overlaps line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameKeyOtherRegion_NotAnOverlap()
    {
        var d = PolicyDraft.Parse(Draft(GoodCap,
            "100002,BX-IP-05,pool.cap,,210800,,12000000,fen,2025-01-01,,assumed,draft for costing,草案"), "d.csv", InForce);
        Assert.Equal(2, d.Rows.Count);
    }

    [Fact]
    public void Apply_CutsTheInForceRowAroundTheDraftRange_AndResolvesTheDraftInside()
    {
        var d = PolicyDraft.Parse(Draft(GoodCap), "d.csv", InForce);
        var set = new PolicySet(d.Apply(InForce));
        Assert.Equal(8_000_000, set.Resolve("pool.cap", "", Region.Benxi, InsuType.Resident, new DateOnly(2024, 12, 31))!.Value);
        var inside = set.Resolve("pool.cap", "", Region.Benxi, InsuType.Resident, new DateOnly(2025, 6, 30))!;
        Assert.Equal(100001, inside.Id);
        var after = set.Resolve("pool.cap", "", Region.Benxi, InsuType.Employee, new DateOnly(2026, 1, 1))!;
        Assert.Equal(8_000_000, after.Value);
        Assert.Equal(PolicyDraft.TailIdOffset + 25, after.Id);
        // Yingkou untouched.
        var yk = TestPolicy.Set.Resolve("pool.cap", "", Region.Yingkou, InsuType.Resident, new DateOnly(2025, 6, 30))?.Id;
        Assert.Equal(yk, set.Resolve("pool.cap", "", Region.Yingkou, InsuType.Resident, new DateOnly(2025, 6, 30))?.Id);
    }

    [Fact]
    public void Apply_ASupersedingRowCut_KeepsItsPredecessorOut()
    {
        // ip.dedc_step 210500 is row 258, which supersedes 23: both are cut; neither resurfaces next to the draft row.
        var d = PolicyDraft.Parse(Draft(
            "100003,BX-IP-02,ip.dedc_step,,210500,,10000,fen,2025-01-01,2025-12-31,assumed,draft for costing,draft step 100"), "d.csv", InForce);
        var set = new PolicySet(d.Apply(InForce));
        Assert.Equal(100003, set.Resolve("ip.dedc_step", "", Region.Benxi, InsuType.Resident, new DateOnly(2025, 3, 1))!.Id);
        Assert.Equal(258, set.Resolve("ip.dedc_step", "", Region.Benxi, InsuType.Resident, new DateOnly(2024, 3, 1))!.Id);
        Assert.Equal(PolicyDraft.TailIdOffset + 258, set.Resolve("ip.dedc_step", "", Region.Benxi, InsuType.Resident, new DateOnly(2026, 3, 1))!.Id);
    }

    [Fact]
    public void ShippedFile_ErrorsNameTheField()
    {
        var e = Assert.Throws<FormatException>(() => PolicyCsv.Parse(Draft("x,BX-IP-05,pool.cap,,210500,,1,fen,2025-01-01,,stated,c,n")));
        Assert.Contains("params.csv line 2, column 1 (id): id 'x' is not an integer", e.Message, StringComparison.Ordinal);
    }
}
