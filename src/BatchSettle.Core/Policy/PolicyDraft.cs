using System.Globalization;

namespace BatchSettle.Core.Policy;

/// <summary>
/// A draft parameter file for a policy simulation (issue 15): rows in the shape of sql/policy/params.csv that add to or
/// override the policy in force. Validated like the shipped file (<see cref="PolicyCsv"/>) and against it: its own ids,
/// known keys and rule ids, the key's unit, a citation, no two rows of one key (and region, insutype) overlapping in
/// their effective dates, and a note saying it is a draft. Every error names the file, line, column and field.
/// <para>Override: a draft row replaces, for its effective range, the in-force rows of the same key, qualifier, admdvs
/// and insutype (same specificity); they are cut around it (<see cref="Apply"/>). A draft row of another specificity
/// simply joins the candidates (a more specific row wins, as always in <see cref="PolicySet"/>).</para>
/// </summary>
public sealed class PolicyDraft
{
    /// <summary>Id offset of the in-force pieces that survive after a draft row (an in-force row cut in two).</summary>
    public const int TailIdOffset = 900_000_000;

    private PolicyDraft(string source, IReadOnlyList<(int Line, PolicyParam Param)> rows)
    {
        Source = source;
        Rows = rows;
    }

    /// <summary>The draft file's name as errors cite it.</summary>
    public string Source { get; }

    /// <summary>The draft rows with their line numbers.</summary>
    public IReadOnlyList<(int Line, PolicyParam Param)> Rows { get; }

    /// <summary>Parses and validates <paramref name="text"/> against the policy in force; a <see cref="FormatException"/>
    /// names the line and field of the first problem.</summary>
    public static PolicyDraft Parse(string text, string source, IReadOnlyList<PolicyParam> inForce)
    {
        ArgumentNullException.ThrowIfNull(inForce);
        var rows = PolicyCsv.ParseWithLines(text, source);
        if (rows.Count == 0) throw new FormatException($"{source} line 2: a draft needs at least one parameter row");
        var ids = new HashSet<int>(inForce.Select(p => p.Id));
        var units = new Dictionary<(string, string), string>();
        foreach (var p in inForce) units.TryAdd((p.Key, p.Qualifier), p.Unit);
        var keys = new HashSet<string>(inForce.Select(p => p.Key), StringComparer.Ordinal);
        var rules = new HashSet<string>(inForce.Select(p => p.RuleId), StringComparer.Ordinal);
        foreach (var (line, p) in rows)
        {
            if (p.Id >= TailIdOffset) Fail(source, line, 1, "id", $"id {p.Id} is reserved (a draft row's id is below {TailIdOffset})");
            if (ids.Contains(p.Id)) Fail(source, line, 1, "id", $"id {p.Id} is a parameter in force; a draft row takes its own id");
            if (!rules.Contains(p.RuleId)) Fail(source, line, 2, "rule_id", $"unknown rule id '{p.RuleId}' (no parameter in force cites it)");
            if (!keys.Contains(p.Key)) Fail(source, line, 3, "key", $"unknown key '{p.Key}'");
            if (!units.TryGetValue((p.Key, p.Qualifier), out string? unit))
                Fail(source, line, 4, "qualifier", $"unknown qualifier '{p.Qualifier}' of key '{p.Key}'");
            if (!string.Equals(unit, p.Unit, StringComparison.Ordinal))
                Fail(source, line, 8, "unit", $"unit '{p.Unit}' but {p.Key}/{p.Qualifier} is in '{unit}'");
            if (p.Unit == "bp" && p.Value is < 0 or > 10_000) Fail(source, line, 7, "value", $"{p.Value} bp is not a ratio (0..10000)");
            if (p.Unit != "flag" && p.Value < 0) Fail(source, line, 7, "value", $"{p.Value} is negative");
            if (p.Unit == "flag" && p.Value is not (0 or 1)) Fail(source, line, 7, "value", "a flag is 0 or 1");
            if (p.Supersedes is not null)
                Fail(source, line, 14, "supersedes", "a draft overrides by its effective range; supersedes is for corrected labels in the shipped file");
            if (p.Citation.Trim().Length == 0) Fail(source, line, 12, "citation", "citation is required");
            if (!IsMarkedDraft(p.Note))
                Fail(source, line, 13, "note", "the note must say the row is a draft (contain 'draft' or '草案')");
        }
        for (int i = 0; i < rows.Count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                var (li, a) = rows[i];
                var (lj, b) = rows[j];
                if (SameSlot(a, b) && Overlap(a, b))
                {
                    Fail(source, li, 9, "effective_from",
                        $"{a.Key}/{a.Qualifier} overlaps line {lj.ToString(CultureInfo.InvariantCulture)} in its effective dates");
                }
            }
        }
        return new PolicyDraft(source, rows);
    }

    /// <summary>Whether a note marks a row as a draft.</summary>
    public static bool IsMarkedDraft(string note) =>
        note.Contains("draft", StringComparison.OrdinalIgnoreCase) || note.Contains("草案", StringComparison.Ordinal);

    /// <summary>
    /// Policy in force + this draft: each in-force row of a draft row's slot (key, qualifier, admdvs, insutype) is cut to
    /// the dates outside the draft row's range (the part after it, when there is one, gets id
    /// <see cref="TailIdOffset"/> + its id [+ n × 10,000,000 for a second cut]); the draft rows are added.
    /// </summary>
    public IReadOnlyList<PolicyParam> Apply(IReadOnlyList<PolicyParam> inForce)
    {
        ArgumentNullException.ThrowIfNull(inForce);
        var result = new List<PolicyParam>(inForce.Count + Rows.Count);
        foreach (var p in inForce)
        {
            var pieces = new List<PolicyParam> { p };
            foreach (var (_, d) in Rows)
            {
                var next = new List<PolicyParam>();
                foreach (var piece in pieces)
                {
                    if (!SameSlot(piece, d) || !Overlap(piece, d))
                    {
                        next.Add(piece);
                        continue;
                    }
                    if (piece.EffectiveFrom < d.EffectiveFrom) next.Add(piece with { EffectiveTo = d.EffectiveFrom.AddDays(-1) });
                    if (d.EffectiveTo is { } dto && (piece.EffectiveTo is not { } pto || pto > dto))
                    {
                        int tail = TailIdOffset + p.Id + (10_000_000 * pieces.Count(x => x.Id != p.Id));
                        // The tail of a row that supersedes another supersedes that row's tail, as the whole rows did.
                        next.Add(piece with { Id = tail, EffectiveFrom = dto.AddDays(1), Supersedes = p.Supersedes is { } old ? TailIdOffset + old : null });
                    }
                }
                pieces = next;
            }
            result.AddRange(pieces);
        }
        result.AddRange(Rows.Select(r => r.Param));
        return result;
    }

    private static bool SameSlot(PolicyParam a, PolicyParam b) =>
        string.Equals(a.Key, b.Key, StringComparison.Ordinal) && string.Equals(a.Qualifier, b.Qualifier, StringComparison.Ordinal)
        && a.Region == b.Region && a.InsuType == b.InsuType;

    private static bool Overlap(PolicyParam a, PolicyParam b) =>
        (a.EffectiveTo is not { } at || b.EffectiveFrom <= at) && (b.EffectiveTo is not { } bt || a.EffectiveFrom <= bt);

    private static void Fail(string source, int line, int col, string field, string message) =>
        throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{source} line {line}, column {col} ({field}): {message}"));
}
