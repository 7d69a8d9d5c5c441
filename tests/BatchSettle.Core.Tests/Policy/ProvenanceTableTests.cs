using System.Text;
using System.Text.RegularExpressions;
using BatchSettle.Core.Policy;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Policy;

/// <summary>
/// Provenance true to the seeds (issue 11): sql/policy/provenance.csv says, for every parameter row in force (not
/// superseded), its provenance label and where its value sits in the seeds (seed file number, line, a quote from that
/// line). A params row whose label disagrees with the table, whose bracket citation ([000:186]) names another line, or a
/// table quote that is not on that line of the seed fails here.
/// </summary>
public class ProvenanceTableTests
{
    private sealed record Entry(int Id, string Provenance, string Seed, int Line, string Quote);

    /// <summary>The seeds beside the clone: CI keeps shared/ next to the repository (../shared); a worktree under
    /// wt/ has it two levels up.</summary>
    private static string SeedsDir()
    {
        string[] candidates =
        [
            Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "seeds")),
            Path.GetFullPath(Path.Combine(RepoRoot, "..", "..", "shared", "seeds")),
        ];
        foreach (var c in candidates)
        {
            if (Directory.Exists(c)) return c;
        }
        Assert.Fail("the seed documents are missing: expected the folder shared/seeds beside the repository " +
            $"({string.Join(" or ", candidates)}); the provenance check reads them");
        return "";
    }

    private static List<Entry> ReadTable(string text)
    {
        var records = Csv(text);
        Assert.Equal("id,provenance,seed,line,quote", string.Join(',', records[0]));
        var list = new List<Entry>();
        foreach (var f in records.Skip(1))
        {
            if (f.Count == 1 && f[0].Length == 0) continue;
            Assert.Equal(5, f.Count);
            list.Add(new Entry(int.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), f[1], f[2],
                f[3].Length == 0 ? 0 : int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), f[4]));
        }
        return list;
    }

    private static List<List<string>> Csv(string text)
    {
        var records = new List<List<string>>();
        var fields = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { sb.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else sb.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { fields.Add(sb.ToString()); sb.Clear(); }
            else if (ch == '\n')
            {
                fields.Add(sb.ToString());
                sb.Clear();
                records.Add(fields);
                fields = [];
            }
            else if (ch != '\r') sb.Append(ch);
        }
        if (sb.Length > 0 || fields.Count > 0)
        {
            fields.Add(sb.ToString());
            records.Add(fields);
        }
        return records;
    }

    private static Dictionary<string, string[]> ReadSeeds(string dir)
    {
        var seeds = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var f in Directory.GetFiles(dir, "0*.txt")) seeds[Path.GetFileName(f)[..3]] = File.ReadAllLines(f);
        return seeds;
    }

    /// <summary>Every disagreement between the parameters in force and the table (empty when they agree).</summary>
    private static List<string> Check(IReadOnlyList<PolicyParam> parameters, List<Entry> table, Dictionary<string, string[]> seeds)
    {
        var problems = new List<string>();
        var superseded = parameters.Where(p => p.Supersedes is not null).Select(p => p.Supersedes!.Value).ToHashSet();
        var byId = table.ToDictionary(e => e.Id);
        foreach (var p in parameters)
        {
            if (superseded.Contains(p.Id))
            {
                if (byId.ContainsKey(p.Id)) problems.Add($"#{p.Id} is superseded but still in the table");
                continue;
            }
            if (!byId.TryGetValue(p.Id, out var e))
            {
                problems.Add($"#{p.Id} ({p.RuleId} {p.Key}/{p.Qualifier}) has no provenance table entry");
                continue;
            }
            if (p.Provenance.Label() != e.Provenance)
                problems.Add($"#{p.Id} ({p.RuleId} {p.Key}/{p.Qualifier}) is labelled '{p.Provenance.Label()}' but the seeds make it '{e.Provenance}'");
            if (e.Seed.Length == 0)
            {
                if (p.Provenance != Provenance.Assumed)
                    problems.Add($"#{p.Id} is '{e.Provenance}' but the table gives no seed location");
            }
            else if (!seeds.TryGetValue(e.Seed, out var lines) || e.Line < 1 || e.Line > lines.Length)
            {
                problems.Add($"#{p.Id}: seed {e.Seed} line {e.Line} does not exist");
            }
            else if (e.Quote.Length == 0 || !lines[e.Line - 1].Contains(e.Quote, StringComparison.Ordinal))
            {
                problems.Add($"#{p.Id}: the quote '{e.Quote}' is not on line {e.Line} of seed {e.Seed}");
            }
            var cites = Regex.Matches(p.Citation, @"\[(\d{3}):(\d+)\]").Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
            if (cites.Count > 0 && !cites.Contains((e.Seed, e.Line)))
                problems.Add($"#{p.Id}: citation '{p.Citation}' does not name [{e.Seed}:{e.Line}] where the table finds the value");
            if (p.Provenance == Provenance.StatedSupersededText && !p.Citation.Contains("old text", StringComparison.Ordinal))
                problems.Add($"#{p.Id}: a stated (superseded text) citation must say 'old text'");
        }
        foreach (var e in table)
        {
            if (!parameters.Any(p => p.Id == e.Id)) problems.Add($"table entry #{e.Id} has no parameter row");
        }
        return problems;
    }

    private static string TablePath => Path.Combine(RepoRoot, "sql", "policy", "provenance.csv");

    [Fact]
    public void EveryParameterInForce_LabelAndCitationAgreeWithTheSeeds()
    {
        var problems = Check(Set.All, ReadTable(File.ReadAllText(TablePath)), ReadSeeds(SeedsDir()));
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void AWrongLabel_FailsTheCheck()
    {
        // The BX-MT-01 3,000 is in seed 000's old-text column [000:171]: labelled plain 'stated' it must fail.
        var seeds = ReadSeeds(SeedsDir());
        var table = ReadTable(File.ReadAllText(TablePath));
        var p = Set.All.Single(x => x.Key == "mt.nondesig_cap" && x.Provenance == Provenance.StatedSupersededText);
        var wrong = Set.All.Select(x => x.Id == p.Id ? x with { Provenance = Provenance.Stated } : x).ToList();
        Assert.Contains(Check(wrong, table, seeds), s => s.StartsWith($"#{p.Id} ", StringComparison.Ordinal) && s.Contains("superseded text", StringComparison.Ordinal));
        // A quote moved to another line fails too.
        var moved = table.Select(e => e.Id == p.Id ? e with { Line = e.Line + 1 } : e).ToList();
        Assert.NotEmpty(Check(Set.All, moved, seeds));
    }

    [Fact]
    public void SupersededRows_StayForExplanationsButNeverResolve()
    {
        // #122 (BX-MT-01, 'stated') is superseded by the 'stated (superseded text)' row: the old row explains old
        // settlements, the new one resolves.
        var old = Set.Find(122)!;
        Assert.Equal(Provenance.Stated, old.Provenance);
        var now = Set.Resolve("mt.nondesig_cap", "", BatchSettle.Core.Domain.Region.Benxi, BatchSettle.Core.Domain.InsuType.Resident, D("2024-06-01"))!;
        Assert.Equal(122, now.Supersedes);
        Assert.Equal(Provenance.StatedSupersededText, now.Provenance);
        Assert.Equal("stated (superseded text)", now.Provenance.Label());
    }
}
