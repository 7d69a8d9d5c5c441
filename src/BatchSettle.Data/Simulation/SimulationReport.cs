using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Simulation;

/// <summary>Baseline, draft and delta of one line of the report (fen, or a count).</summary>
public sealed record SimLine(string Key, long Baseline, long Draft)
{
    public long Delta => Draft - Baseline;

    /// <summary>Delta as a percentage of the baseline (one decimal), null when the baseline is 0.</summary>
    public decimal? Pct => Baseline == 0 ? null : Math.Round(Delta * 100m / Baseline, 1, MidpointRounding.AwayFromZero);
}

/// <summary>One step that differs between a claim's two explanations.</summary>
public sealed record SimStepDiff(int Step, string Rule, string What, string Baseline, string Draft);

/// <summary>A claim among the largest |delta|, with the steps of its explanation that changed.</summary>
public sealed record SimClaim(string SetlId, string PsnNo, string BatchId, long BaselineFund, long DraftFund,
    long BaselinePersonal, long DraftPersonal, IReadOnlyList<SimStepDiff> Steps)
{
    public long Delta => DraftFund - BaselineFund;
}

/// <summary>
/// The report of a simulation (issue 15): per fund, month, hardship group and insutype; persons reached; the per-person
/// delta's deciles; alerts raised and no longer raised per threshold; claims using assumed parameters on each side;
/// the baseline compared with stored real results; and the claims with the largest |delta|, each with the steps of
/// its two explanations that differ. Amounts in fen; the delta is draft − baseline.
/// </summary>
public sealed class SimulationReport
{
    public long SimId { get; init; }
    public string Name { get; init; } = "";
    public string Admdvs { get; init; } = "";
    public int Year { get; init; }
    public string Through { get; init; } = "";
    public long Claims { get; init; }
    public long BaselineMs { get; init; }
    public long DraftMs { get; init; }
    /// <summary>basic pooled, 大病, 大额, assistance, fund total, personal.</summary>
    public IReadOnlyList<SimLine> Funds { get; init; } = [];
    /// <summary>Fund total per settlement month (yyyy-MM).</summary>
    public IReadOnlyList<SimLine> Months { get; init; } = [];
    /// <summary>Fund total per hardship group (codes of the person's registry row, "none" without).</summary>
    public IReadOnlyList<SimLine> Hardship { get; init; } = [];
    /// <summary>Fund total per insutype (310 employee, 390 resident).</summary>
    public IReadOnlyList<SimLine> Insutypes { get; init; } = [];
    public long Persons { get; init; }
    public long PersonsAffected { get; init; }
    public long PayingMore { get; init; }
    public long PayingLess { get; init; }
    public long ClaimsChanged { get; init; }
    /// <summary>Per-person fund delta (fen) of the persons affected at the 0th, 10th, …, 100th percentile.</summary>
    public IReadOnlyList<long> Deciles { get; init; } = [];
    /// <summary>Per threshold: persons alerted on each side (Baseline, Draft), and how many only on one side.</summary>
    public IReadOnlyList<SimAlertLine> Alerts { get; init; } = [];
    /// <summary>Settled claims that used an assumed parameter, per side.</summary>
    public SimLine AssumedClaims { get; init; } = new("claims using assumed parameters", 0, 0);
    /// <summary>The draft's rows (id, key/qualifier, value, range, provenance), as the draft side used them.</summary>
    public IReadOnlyList<string> DraftRows { get; init; } = [];
    /// <summary>Baseline claims that have a stored real result, and those whose result differs from it.</summary>
    public long RealCompared { get; init; }
    public long RealDiffering { get; init; }
    public IReadOnlyList<string> RealDifferences { get; init; } = [];
    public IReadOnlyList<SimClaim> TopClaims { get; init; } = [];

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static SimulationReport FromJson(string json) =>
        JsonSerializer.Deserialize<SimulationReport>(json, s_json) ?? throw new FormatException("empty simulation report");

    /// <summary>Builds the report from the simulation tables.</summary>
    public static async Task<SimulationReport> BuildAsync(NpgsqlDataSource ds, long simId, PolicySet baselineSet, PolicySet draftSet,
        PolicyDraft draft, int top = 10, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ds);
        ArgumentNullException.ThrowIfNull(draft);
        await using var c = await ds.OpenConnectionAsync(ct);
        var sim = await c.QuerySingleAsync<(string Name, string Admdvs, int Year, DateTime Through, long Claims, long BaselineMs, long DraftMs)>(
            new CommandDefinition("SELECT name, admdvs, year, through, claims, baseline_ms, draft_ms FROM simulation WHERE sim_id = @simId",
                new { simId }, cancellationToken: ct));
        var p = new { simId };
        // Pairs: one row per claim with both sides (settled amounts only count; a rejected or quarantined claim pays 0).
        const string Pair =
            """
            WITH pair AS (
              SELECT b.claim_seq, b.setl_id, b.psn_no, b.batch_id, b.insutype, b.year,
                     CASE WHEN b.status = 'settled' THEN b.hifp_pay ELSE 0 END AS b_hifp, CASE WHEN d.status = 'settled' THEN d.hifp_pay ELSE 0 END AS d_hifp,
                     CASE WHEN b.status = 'settled' THEN b.hifmi_pay ELSE 0 END AS b_hifmi, CASE WHEN d.status = 'settled' THEN d.hifmi_pay ELSE 0 END AS d_hifmi,
                     CASE WHEN b.status = 'settled' THEN b.hifob_pay ELSE 0 END AS b_hifob, CASE WHEN d.status = 'settled' THEN d.hifob_pay ELSE 0 END AS d_hifob,
                     CASE WHEN b.status = 'settled' THEN b.maf_pay ELSE 0 END AS b_maf, CASE WHEN d.status = 'settled' THEN d.maf_pay ELSE 0 END AS d_maf,
                     CASE WHEN b.status = 'settled' THEN b.fund_pay_sumamt ELSE 0 END AS b_fund, CASE WHEN d.status = 'settled' THEN d.fund_pay_sumamt ELSE 0 END AS d_fund,
                     CASE WHEN b.status = 'settled' THEN b.psn_part_amt ELSE 0 END AS b_psn, CASE WHEN d.status = 'settled' THEN d.psn_part_amt ELSE 0 END AS d_psn,
                     b.status AS b_status, d.status AS d_status, b.trace AS b_trace, d.trace AS d_trace,
                     b.assumed_params AND b.status = 'settled' AS b_assumed, d.assumed_params AND d.status = 'settled' AS d_assumed
              FROM sim_result b JOIN sim_result d ON d.sim_id = b.sim_id AND d.side = 1 AND d.claim_seq = b.claim_seq
              WHERE b.sim_id = @simId AND b.side = 0)
            """;
        var f = await c.QuerySingleAsync<(long, long, long, long, long, long, long, long, long, long, long, long, long, long, long)>(new CommandDefinition(
            Pair + """
            SELECT COALESCE(sum(b_hifp), 0)::bigint, COALESCE(sum(d_hifp), 0)::bigint, COALESCE(sum(b_hifmi), 0)::bigint, COALESCE(sum(d_hifmi), 0)::bigint,
                   COALESCE(sum(b_hifob), 0)::bigint, COALESCE(sum(d_hifob), 0)::bigint, COALESCE(sum(b_maf), 0)::bigint, COALESCE(sum(d_maf), 0)::bigint,
                   COALESCE(sum(b_fund), 0)::bigint, COALESCE(sum(d_fund), 0)::bigint, COALESCE(sum(b_psn), 0)::bigint, COALESCE(sum(d_psn), 0)::bigint,
                   count(*) FILTER (WHERE b_assumed), count(*) FILTER (WHERE d_assumed),
                   count(*) FILTER (WHERE b_fund <> d_fund OR b_psn <> d_psn OR b_status <> d_status)
            FROM pair
            """, p, commandTimeout: 0, cancellationToken: ct));
        var funds = new List<SimLine>
        {
            new("basic pooled fund (310100/390100)", f.Item1, f.Item2),
            new("大病 critical illness (390200)", f.Item3, f.Item4),
            new("大额 large amount (330100)", f.Item5, f.Item6),
            new("medical assistance (610100)", f.Item7, f.Item8),
            new("all funds", f.Item9, f.Item10),
            new("personal share", f.Item11, f.Item12),
        };

        async Task<List<SimLine>> Lines(string select, string groupBy)
        {
            var rows = await c.QueryAsync<(string Key, long B, long D)>(new CommandDefinition(
                Pair + $"SELECT {select} AS k, COALESCE(sum(b_fund), 0)::bigint, COALESCE(sum(d_fund), 0)::bigint FROM pair {groupBy} GROUP BY 1 ORDER BY 1",
                p, commandTimeout: 0, cancellationToken: ct));
            return [.. rows.Select(r => new SimLine(r.Key, r.B, r.D))];
        }

        var months = await Lines("to_char(s.enddate, 'YYYY-MM')", "JOIN staging_claim s ON s.claim_seq = pair.claim_seq");
        var hardship = await Lines(
            "COALESCE(NULLIF(regexp_replace(COALESCE(sp.hardship, ''), ':[0-9-]+', '', 'g'), ''), 'none')",
            "LEFT JOIN staging_person sp ON sp.psn_no = pair.psn_no AND sp.year = pair.year");
        var insutypes = await Lines("pair.insutype", "");

        var persons = await c.QuerySingleAsync<(long, long, long, long)>(new CommandDefinition(
            Pair + """
            , person AS (SELECT psn_no, sum(d_fund - b_fund) AS df, sum(d_psn - b_psn) AS dp,
                                bool_or(b_fund <> d_fund OR b_psn <> d_psn OR b_status <> d_status) AS changed
                         FROM pair GROUP BY psn_no)
            SELECT count(*), count(*) FILTER (WHERE changed), count(*) FILTER (WHERE dp > 0), count(*) FILTER (WHERE dp < 0) FROM person
            """, p, commandTimeout: 0, cancellationToken: ct));
        var deciles = (await c.QueryAsync<long>(new CommandDefinition(
            Pair + """
            , person AS (SELECT psn_no, sum(d_fund - b_fund) AS df,
                                bool_or(b_fund <> d_fund OR b_psn <> d_psn OR b_status <> d_status) AS changed
                         FROM pair GROUP BY psn_no)
            SELECT unnest(percentile_disc(ARRAY[0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]) WITHIN GROUP (ORDER BY df))::bigint
            FROM person WHERE changed HAVING count(*) > 0
            """, p, commandTimeout: 0, cancellationToken: ct))).ToList();

        var alerts = (await c.QueryAsync<SimAlertLine>(new CommandDefinition(
            """
            WITH a AS (SELECT DISTINCT side, psn_no, year, threshold FROM sim_alert WHERE sim_id = @simId)
            SELECT t.threshold AS Threshold,
                   count(*) FILTER (WHERE t.s0) AS Baseline, count(*) FILTER (WHERE t.s1) AS Draft,
                   count(*) FILTER (WHERE t.s1 AND NOT t.s0) AS NewlyRaised, count(*) FILTER (WHERE t.s0 AND NOT t.s1) AS NoLongerRaised
            FROM (SELECT psn_no, year, threshold, bool_or(side = 0) AS s0, bool_or(side = 1) AS s1 FROM a GROUP BY 1, 2, 3) t
            GROUP BY t.threshold ORDER BY t.threshold
            """, p, cancellationToken: ct))).ToList();

        // The baseline against the stored real results (where a run settled the claim): a difference means the engine,
        // the policy or the data changed since that run.
        var real = await c.QuerySingleAsync<(long Compared, long Differing)>(new CommandDefinition(
            """
            SELECT count(*), count(*) FILTER (WHERE r.status <> b.status OR r.hifp_pay <> b.hifp_pay OR r.hifmi_pay <> b.hifmi_pay
                                                 OR r.hifob_pay <> b.hifob_pay OR r.maf_pay <> b.maf_pay OR r.psn_part_amt <> b.psn_part_amt)
            FROM sim_result b JOIN settlement_result r ON r.claim_seq = b.claim_seq
            WHERE b.sim_id = @simId AND b.side = 0
            """, p, commandTimeout: 0, cancellationToken: ct));
        var realDiff = (await c.QueryAsync<string>(new CommandDefinition(
            """
            SELECT format('%s: real %s fund %s personal %s, baseline %s fund %s personal %s', b.setl_id, r.status, r.fund_pay_sumamt,
                          r.psn_part_amt, b.status, b.fund_pay_sumamt, b.psn_part_amt)
            FROM sim_result b JOIN settlement_result r ON r.claim_seq = b.claim_seq
            WHERE b.sim_id = @simId AND b.side = 0
              AND (r.status <> b.status OR r.hifp_pay <> b.hifp_pay OR r.hifmi_pay <> b.hifmi_pay OR r.hifob_pay <> b.hifob_pay
                   OR r.maf_pay <> b.maf_pay OR r.psn_part_amt <> b.psn_part_amt)
            ORDER BY b.setl_id LIMIT 20
            """, p, commandTimeout: 0, cancellationToken: ct))).ToList();

        var topRows = await c.QueryAsync<(string SetlId, string PsnNo, string BatchId, long BFund, long DFund, long BPsn, long DPsn, string? BTrace, string? DTrace)>(
            new CommandDefinition(
                Pair + """
                SELECT setl_id, psn_no, batch_id, b_fund, d_fund, b_psn, d_psn, b_trace, d_trace FROM pair
                WHERE b_fund <> d_fund OR b_psn <> d_psn
                ORDER BY abs(d_fund - b_fund) DESC, abs(d_psn - b_psn) DESC, setl_id LIMIT @top
                """, new { simId, top }, commandTimeout: 0, cancellationToken: ct));
        var topClaims = topRows.Select(r => new SimClaim(r.SetlId, r.PsnNo, r.BatchId, r.BFund, r.DFund, r.BPsn, r.DPsn,
            DiffTraces(r.BTrace, r.DTrace, baselineSet, draftSet))).ToList();

        return new SimulationReport
        {
            SimId = simId,
            Name = sim.Name,
            Admdvs = sim.Admdvs,
            Year = sim.Year,
            Through = DateOnly.FromDateTime(sim.Through).ToString("yyyy-MM", CultureInfo.InvariantCulture),
            Claims = sim.Claims,
            BaselineMs = sim.BaselineMs,
            DraftMs = sim.DraftMs,
            Funds = funds,
            Months = months,
            Hardship = hardship,
            Insutypes = insutypes,
            Persons = persons.Item1,
            PersonsAffected = persons.Item2,
            PayingMore = persons.Item3,
            PayingLess = persons.Item4,
            ClaimsChanged = f.Item15,
            Deciles = deciles,
            Alerts = alerts,
            AssumedClaims = new("claims using assumed parameters", f.Item13, f.Item14),
            DraftRows = [.. draft.Rows.Select(r => Describe(r.Param))],
            RealCompared = real.Compared,
            RealDiffering = real.Differing,
            RealDifferences = realDiff,
            TopClaims = topClaims,
        };
    }

    /// <summary>
    /// The steps of two explanations of one claim that differ, step by step (same position): the rule, what it
    /// computed, and for each side its parameters (id, key/qualifier = value), base and amount.
    /// </summary>
    public static List<SimStepDiff> DiffTraces(string? baseline, string? draft, PolicySet baselineSet, PolicySet draftSet)
    {
        ArgumentNullException.ThrowIfNull(baselineSet);
        ArgumentNullException.ThrowIfNull(draftSet);
        var b = baseline is null ? [] : TraceCodec.Decode(baseline);
        var d = draft is null ? [] : TraceCodec.Decode(draft);
        var diffs = new List<SimStepDiff>();
        for (int i = 0; i < Math.Max(b.Length, d.Length); i++)
        {
            string bs = i < b.Length ? Step(b[i], baselineSet) : "—";
            string ds = i < d.Length ? Step(d[i], draftSet) : "—";
            if (string.Equals(bs, ds, StringComparison.Ordinal)) continue;
            var s = i < d.Length ? d[i] : b[i];
            diffs.Add(new SimStepDiff(i + 1, s.Rule, s.What, bs, ds));
        }
        return diffs;
    }

    private static string Step(in TraceStep s, PolicySet set)
    {
        var sb = new StringBuilder();
        sb.Append(s.Rule).Append(' ');
        foreach (int id in (int[])[s.Param1, s.Param2, s.Param3])
        {
            if (id == 0) continue;
            var p = set.Find(id);
            sb.Append(p is null
                ? string.Create(CultureInfo.InvariantCulture, $"#{id} ")
                : string.Create(CultureInfo.InvariantCulture, $"#{(id >= PolicyDraft.TailIdOffset ? id % 10_000_000 : id)} {p.Key}{(p.Qualifier.Length > 0 ? "/" + p.Qualifier : "")}={p.Value} {p.Unit}; "));
        }
        sb.Append(CultureInfo.InvariantCulture, $"base {Yuan(s.Base)}, amount {Yuan(s.Amount)}");
        if (s.Slot >= 0 && (s.SlotBefore != 0 || s.SlotAfter != 0))
        {
            string slot = s.Slot < AccSlot.Names.Count ? AccSlot.Names[s.Slot] : "slot " + s.Slot.ToString(CultureInfo.InvariantCulture);
            // Money slots in yuan; counters and flags (admissions, alerts raised, resets, lane keys) as they are.
            bool money = slot.EndsWith("_paid", StringComparison.Ordinal) || slot.EndsWith("_base", StringComparison.Ordinal)
                         || slot.EndsWith("_burden", StringComparison.Ordinal) || slot.EndsWith("_used", StringComparison.Ordinal)
                         || slot == "basic_fund_paid_all";
            if (money) sb.Append(CultureInfo.InvariantCulture, $", {slot} {Yuan(s.SlotBefore)}→{Yuan(s.SlotAfter)}");
            else sb.Append(CultureInfo.InvariantCulture, $", {slot} {s.SlotBefore}→{s.SlotAfter}");
        }
        return sb.ToString();
    }

    private static string Describe(PolicyParam p) => string.Create(CultureInfo.InvariantCulture,
        $"#{p.Id} {p.RuleId} {p.Key}{(p.Qualifier.Length > 0 ? "/" + p.Qualifier : "")} {(p.Region is { } r ? Core.Domain.Codes.Admdvs(r) : "*")}/{(p.InsuType is { } t ? Core.Domain.Codes.Insutype(t) : "*")} = {p.Value} {p.Unit}, {p.EffectiveFrom:yyyy-MM-dd}..{(p.EffectiveTo is { } e ? e.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")} ({p.Provenance.Label()}; {p.Citation})");

    /// <summary>Fen as yuan with two decimals.</summary>
    public static string Yuan(long fen) => (fen / 100m).ToString("#,0.00", CultureInfo.InvariantCulture);

    private static string Pct(SimLine l) => l.Pct is { } v ? v.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%" : "—";

    /// <summary>The console table.</summary>
    public string Render()
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        sb.AppendLine(ic, $"Simulation {SimId} \"{Name}\": {Admdvs} {Year} through {Through}, {Claims:N0} claims (baseline {BaselineMs} ms, draft {DraftMs} ms)");
        foreach (var r in DraftRows) sb.AppendLine(ic, $"  draft {r}");
        Table(sb, "Fund (yuan)", Funds, money: true);
        Table(sb, "Month: all funds (yuan)", Months, money: true);
        Table(sb, "Hardship group: all funds (yuan)", Hardship, money: true);
        Table(sb, "Insutype: all funds (yuan)", Insutypes, money: true);
        sb.AppendLine();
        sb.AppendLine(ic, $"Persons: {Persons:N0}; affected {PersonsAffected:N0}, paying more {PayingMore:N0}, paying less {PayingLess:N0}; claims changed {ClaimsChanged:N0}");
        if (Deciles.Count == 11)
        {
            sb.Append("Per-person fund delta of the persons affected (yuan), min/p10/…/p90/max:");
            foreach (var d in Deciles) sb.Append(' ').Append(Yuan(d));
            sb.AppendLine();
        }
        sb.AppendLine("Alerts (persons per threshold): baseline / draft / newly raised / no longer raised");
        if (Alerts.Count == 0) sb.AppendLine("  none on either side");
        foreach (var a in Alerts) sb.AppendLine(ic, $"  {Yuan(a.Threshold),12}: {a.Baseline} / {a.Draft} / {a.NewlyRaised} / {a.NoLongerRaised}");
        sb.AppendLine(ic, $"Claims using assumed parameters: baseline {AssumedClaims.Baseline:N0}, draft {AssumedClaims.Draft:N0}");
        sb.AppendLine(RealCompared == 0
            ? "Baseline vs real results: no claim of the simulation has a stored real result"
            : string.Create(ic, $"Baseline vs real results: {RealCompared:N0} claims compared, {RealDiffering:N0} differ{(RealDiffering > 0 ? " (the engine, policy or data changed since those runs)" : "")}"));
        foreach (var d in RealDifferences) sb.AppendLine(ic, $"  {d}");
        if (TopClaims.Count > 0) sb.AppendLine(ic, $"Top {TopClaims.Count} claims by |delta|:");
        foreach (var t in TopClaims)
        {
            sb.AppendLine(ic, $"  {t.SetlId} ({t.PsnNo}, {t.BatchId}): funds {Yuan(t.BaselineFund)} → {Yuan(t.DraftFund)} ({(t.Delta >= 0 ? "+" : "")}{Yuan(t.Delta)}), personal {Yuan(t.BaselinePersonal)} → {Yuan(t.DraftPersonal)}");
            foreach (var s in t.Steps)
            {
                sb.AppendLine(ic, $"    step {s.Step} {s.What}");
                sb.AppendLine(ic, $"      baseline: {s.Baseline}");
                sb.AppendLine(ic, $"      draft:    {s.Draft}");
            }
        }
        return sb.ToString();
    }

    private static void Table(StringBuilder sb, string title, IReadOnlyList<SimLine> lines, bool money)
    {
        var ic = CultureInfo.InvariantCulture;
        sb.AppendLine();
        sb.AppendLine(ic, $"{title,-36} {"baseline",16} {"draft",16} {"delta",16} {"%",8}");
        foreach (var l in lines)
        {
            string B(long v) => money ? Yuan(v) : v.ToString("N0", ic);
            sb.AppendLine(ic, $"{l.Key,-36} {B(l.Baseline),16} {B(l.Draft),16} {(l.Delta > 0 ? "+" : "")}{B(l.Delta),15} {Pct(l),8}");
        }
    }

    /// <summary>The report as CSV: section,key,baseline_fen,draft_fen,delta_fen,pct (counts in the persons/alerts rows).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("section,key,baseline,draft,delta,pct\n");
        var ic = CultureInfo.InvariantCulture;
        void Rows(string section, IEnumerable<SimLine> lines)
        {
            foreach (var l in lines)
                sb.Append(ic, $"{section},{Csv(l.Key)},{l.Baseline},{l.Draft},{l.Delta},{(l.Pct is { } p ? p.ToString(ic) : "")}\n");
        }
        Rows("fund", Funds);
        Rows("month", Months);
        Rows("hardship", Hardship);
        Rows("insutype", Insutypes);
        Rows("assumed", [AssumedClaims]);
        sb.Append(ic, $"persons,total,{Persons},{Persons},0,\npersons,affected,,{PersonsAffected},,\npersons,paying_more,,{PayingMore},,\npersons,paying_less,,{PayingLess},,\n");
        for (int i = 0; i < Deciles.Count; i++) sb.Append(ic, $"decile,p{i * 10},,{Deciles[i]},,\n");
        foreach (var a in Alerts)
            sb.Append(ic, $"alert,{a.Threshold},{a.Baseline},{a.Draft},{a.Draft - a.Baseline},\nalert_new,{a.Threshold},,{a.NewlyRaised},,\nalert_gone,{a.Threshold},,{a.NoLongerRaised},,\n");
        sb.Append(ic, $"real,compared,{RealCompared},,,\nreal,differing,{RealDiffering},,,\n");
        foreach (var t in TopClaims) sb.Append(ic, $"claim,{Csv(t.SetlId)},{t.BaselineFund},{t.DraftFund},{t.Delta},\n");
        return sb.ToString();

        static string Csv(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal)
            ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
    }
}

/// <summary>Persons alerted at one threshold on each side.</summary>
public sealed record SimAlertLine
{
    public long Threshold { get; init; }
    public long Baseline { get; init; }
    public long Draft { get; init; }
    public long NewlyRaised { get; init; }
    public long NoLongerRaised { get; init; }
}
