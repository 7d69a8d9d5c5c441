using BatchSettle.Core.Settlement;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>A reason (a rule id and its text, as stored on settlement_result.reason) and how many claims carry it.</summary>
public sealed record ReasonCount(string Reason, long Count);

/// <summary>An assumed parameter (POLICY.md §12: provenance 'assumed') and how many settlements of the run used it.</summary>
public sealed record AssumedCount(string Key, string RuleId, long Count);

/// <summary>
/// Why a run's claims were not simply settled, counted (issue 13 item 5): rejected and quarantined claims by reason
/// (settlement_result.reason of the run's rows: a rule id or "BAD-INPUT …" with its text), and the assumed parameters
/// by parameter — the run row only counts settlements that used *some* assumed parameter (run.assumed_params); which
/// one is in each result's trace (the policy_param ids its steps cite, <see cref="TraceCodec"/>), so the traces of the
/// settlements flagged assumed_params are decoded and their cited parameters of provenance 'assumed' counted, once per
/// settlement. A settlement citing two assumed parameters counts under both, so the assumed counts can add up to more
/// than run.assumed_params.
/// </summary>
public sealed partial record RunBreakdown(IReadOnlyList<ReasonCount> Rejected, IReadOnlyList<ReasonCount> Quarantined, IReadOnlyList<AssumedCount> Assumed)
{
    public static readonly RunBreakdown Empty = new([], [], []);

    /// <summary>The breakdown of run <paramref name="runId"/> (empty lists for a run without results).</summary>
    public static async Task<RunBreakdown> ForRunAsync(NpgsqlDataSource dataSource, long runId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var reasons = (await conn.QueryAsync<(string Status, string? Reason, long Count)>(new CommandDefinition(
            """
            SELECT status, reason, count(*) FROM settlement_result
            WHERE run_id = @runId AND status IN ('rejected', 'quarantined')
            GROUP BY 1, 2 ORDER BY 3 DESC, 2
            """, new { runId }, commandTimeout: 0, cancellationToken: ct))).AsList();
        // Parameters of provenance 'assumed' (the ones run.assumed_params counts).
        var assumedParams = (await conn.QueryAsync<(int Id, string Key, string Qualifier, string RuleId)>(new CommandDefinition(
            "SELECT id, key, qualifier, rule_id FROM policy_param WHERE provenance = 'assumed'", cancellationToken: ct)))
            .ToDictionary(p => p.Id);
        var perParam = new Dictionary<int, long>();
        if (assumedParams.Count > 0)
        {
            var seen = new HashSet<int>();
            await using var cmd = new NpgsqlCommand(
                "SELECT trace FROM settlement_result WHERE run_id = $1 AND status = 'settled' AND assumed_params AND trace IS NOT NULL", conn)
            {
                CommandTimeout = 0,
                Parameters = { new() { Value = runId } },
            };
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                seen.Clear();
                foreach (var step in TraceCodec.Decode(reader.GetString(0)))
                {
                    foreach (int id in (ReadOnlySpan<int>)[step.Param1, step.Param2, step.Param3])
                    {
                        if (id != 0 && assumedParams.ContainsKey(id) && seen.Add(id))
                        {
                            perParam[id] = perParam.GetValueOrDefault(id) + 1;
                        }
                    }
                }
            }
        }

        return new RunBreakdown(
            Grouped(reasons.Where(r => r.Status == "rejected")),
            Grouped(reasons.Where(r => r.Status == "quarantined")),
            [.. perParam.Select(kv => (P: assumedParams[kv.Key], N: kv.Value))
                .GroupBy(x => (Key: x.P.Qualifier.Length == 0 ? x.P.Key : $"{x.P.Key}/{x.P.Qualifier}", x.P.RuleId))
                .Select(g => new AssumedCount(g.Key.Key, g.Key.RuleId, g.Sum(x => x.N)))
                .OrderByDescending(a => a.Count).ThenBy(a => a.Key, StringComparer.Ordinal)]);
    }

    /// <summary>
    /// A reason without the claim's own values, so that claims quarantined for the same thing count together: quoted
    /// values become '…', dates YYYY-MM-DD, amounts and counts N ("medfee_sumamt N &lt;&gt; … = N", "unknown person '…'").
    /// Rule ids (EL-01, BX-EMP-01) are kept: a number glued to a letter or hyphen is not a value.
    /// </summary>
    public static string Normalize(string? reason)
    {
        if (string.IsNullOrEmpty(reason)) return "(no reason)";
        string r = QuotedValue().Replace(reason, "'…'");
        r = DateValue().Replace(r, "YYYY-MM-DD");
        return NumberValue().Replace(r, "N");
    }

    private static List<ReasonCount> Grouped(IEnumerable<(string Status, string? Reason, long Count)> rows) =>
        [.. rows.GroupBy(r => Normalize(r.Reason), StringComparer.Ordinal)
            .Select(g => new ReasonCount(g.Key, g.Sum(r => r.Count)))
            .OrderByDescending(r => r.Count).ThenBy(r => r.Reason, StringComparer.Ordinal)];

    [System.Text.RegularExpressions.GeneratedRegex("'[^']*'")]
    private static partial System.Text.RegularExpressions.Regex QuotedValue();

    [System.Text.RegularExpressions.GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial System.Text.RegularExpressions.Regex DateValue();

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<![\w-])-?\d[\d,]*(?:\.\d+)?(?![\w-])")]
    private static partial System.Text.RegularExpressions.Regex NumberValue();

    /// <summary>The breakdown as lines for the run summary (indented like <see cref="RunSummary.Format"/>); empty when there is nothing to explain.</summary>
    public string Format(int maxLines = 10)
    {
        var sb = new System.Text.StringBuilder();
        var ic = System.Globalization.CultureInfo.InvariantCulture;
        void Reasons(string title, IReadOnlyList<ReasonCount> list)
        {
            if (list.Count == 0) return;
            sb.Append(ic, $"  {title} by reason:\n");
            foreach (var r in list.Take(maxLines)) sb.Append(ic, $"    {r.Count,9}  {r.Reason}\n");
            if (list.Count > maxLines) sb.Append(ic, $"    {list.Skip(maxLines).Sum(r => r.Count),9}  ({list.Count - maxLines} other reasons)\n");
        }

        Reasons("rejected", Rejected);
        Reasons("quarantined", Quarantined);
        if (Assumed.Count > 0)
        {
            sb.Append("  settled with an assumed parameter, by parameter (POLICY.md §12):\n");
            foreach (var a in Assumed.Take(maxLines)) sb.Append(ic, $"    {a.Count,9}  {a.Key} ({a.RuleId})\n");
            if (Assumed.Count > maxLines) sb.Append(ic, $"    {Assumed.Skip(maxLines).Sum(a => a.Count),9}  ({Assumed.Count - maxLines} other parameters)\n");
        }

        return sb.ToString();
    }
}
