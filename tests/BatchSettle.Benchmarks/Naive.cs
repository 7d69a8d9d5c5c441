using System.Diagnostics;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Ledger;
using BatchSettle.Data.Migrations;
using BatchSettle.Data.Runs;
using Dapper;
using Npgsql;

namespace BatchSettle.Benchmarks;

/// <summary>
/// The same settlement written the way a typical implementation would: claims read with Dapper (joined with the
/// registry row in SQL), each claim validated and settled by the same engine, the same rows the runner writes (results
/// with every column, quarantine, ledger lines, alerts, a person-year's accumulators) inserted row by row with
/// parameterised INSERTs, one transaction per 10,000 claims. Writes into copies of the real tables, and compares its
/// results with the end-to-end run's.
/// </summary>
internal static class Naive
{
    private sealed class Row
    {
        public long claim_seq { get; set; }
        public string batch_id { get; set; } = "";
        public string setl_id { get; set; } = "";
        public string psn_no { get; set; } = "";
        public string admdvs { get; set; } = "";
        public string insutype { get; set; } = "";
        public string med_type { get; set; } = "";
        public string fixmedins_code { get; set; } = "";
        public string hosp_lv { get; set; } = "";
        public string fac_kind { get; set; } = "";
        public bool designated { get; set; }
        public string setting { get; set; } = "";
        public bool in_province { get; set; }
        public string? transfer_from_lv { get; set; }
        public DateTime begndate { get; set; }
        public DateTime enddate { get; set; }
        public int? bed_days { get; set; }
        public string? dise_codg { get; set; }
        public string? special_dise { get; set; }
        public string? excl_cause { get; set; }
        public bool? emergency { get; set; }
        public bool? approved { get; set; }
        public decimal medfee_sumamt { get; set; }
        public decimal fulamt_ownpay_amt { get; set; }
        public decimal overlmt_selfpay { get; set; }
        public decimal preselfpay_amt { get; set; }
        public decimal inscp_scp_amt { get; set; }
        public string? reversal_of { get; set; }
        public string source_file { get; set; } = "";
        public int source_line { get; set; }
        public bool known { get; set; }
        public string? p_admdvs { get; set; }
        public string? p_insutype { get; set; }
        public DateTime? p_brdy { get; set; }
        public int? p_year { get; set; }
        public string? p_enrol_kind { get; set; }
        public DateTime? p_paid_date { get; set; }
        public DateTime? p_prev_cover_end { get; set; }
        public int? p_broken_years { get; set; }
        public int? p_repaired_years { get; set; }
        public int? p_continuous_years { get; set; }
        public int? p_zero_claim_years { get; set; }
        public DateTime? p_large_amount_paid_date { get; set; }
        public string? p_hardship { get; set; }
        public bool? p_assistance_subsidised { get; set; }
        public bool dise_qualified { get; set; }
        public bool high_value_drug { get; set; }
        public bool? p_university { get; set; }
        public bool? p_maternity_insured { get; set; }
        public DateTime? p_arrears_from { get; set; }
        public DateTime? p_arrears_paid { get; set; }
        public string? e_enrol_kind { get; set; }
        public DateTime? e_paid_date { get; set; }
    }

    /// <summary>Runs the baseline on the first <paramref name="claims"/> claims in settlement order; returns how many it
    /// settled, how long it took, and how many of its settled results differ from the end-to-end run's stored ones
    /// (must be 0: it is the same settlement, only written the slow way).</summary>
    public static async Task<(long Claims, double Seconds, long Compared, long Mismatches)> RunAsync(NpgsqlDataSource ds, int claims)
    {
        await using var conn = await ds.OpenConnectionAsync();
        await conn.ExecuteAsync(
            """
            DROP TABLE IF EXISTS naive_result, naive_ledger, naive_quarantine, naive_accumulator, naive_alert;
            CREATE TABLE naive_result (LIKE settlement_result INCLUDING ALL);
            CREATE TABLE naive_ledger (LIKE ledger_line INCLUDING ALL);
            CREATE TABLE naive_quarantine (LIKE quarantine INCLUDING ALL);
            CREATE TABLE naive_accumulator (LIKE accumulator INCLUDING ALL);
            CREATE TABLE naive_alert (LIKE alert INCLUDING ALL);
            """);
        var engine = new SettlementEngine(new PolicySet(await PolicyRows.ReadAllAsync(conn, CancellationToken.None)));
        var sw = Stopwatch.StartNew();
        var rows = (await conn.QueryAsync<Row>(
            """
            SELECT c.*, EXISTS (SELECT 1 FROM staging_person k WHERE k.psn_no = c.psn_no) AS known,
                   p.admdvs AS p_admdvs, p.insutype AS p_insutype, p.brdy AS p_brdy, p.year AS p_year,
                   p.enrol_kind AS p_enrol_kind, p.paid_date AS p_paid_date, p.prev_cover_end AS p_prev_cover_end,
                   p.broken_years AS p_broken_years, p.repaired_years AS p_repaired_years,
                   p.continuous_years AS p_continuous_years, p.zero_claim_years AS p_zero_claim_years,
                   p.large_amount_paid_date AS p_large_amount_paid_date, p.hardship AS p_hardship,
                   p.assistance_subsidised AS p_assistance_subsidised, p.university AS p_university,
                   p.maternity_insured AS p_maternity_insured, p.arrears_from AS p_arrears_from,
                   p.arrears_paid AS p_arrears_paid, e.enrol_kind AS e_enrol_kind, e.paid_date AS e_paid_date
            FROM (SELECT * FROM staging_claim ORDER BY batch_id, psn_no COLLATE "C", enddate, setl_id COLLATE "C" LIMIT @claims) c
            LEFT JOIN LATERAL (SELECT * FROM staging_person p0
                               WHERE p0.psn_no = c.psn_no AND p0.year = extract(year FROM c.enddate)::int
                               ORDER BY (p0.insutype = c.insutype) DESC LIMIT 1) p ON true
            LEFT JOIN staging_person e ON e.psn_no = c.psn_no AND e.year = p.year AND e.insutype = '310' AND p.insutype <> '310'
            ORDER BY c.batch_id, c.psn_no COLLATE "C", c.enddate, c.setl_id COLLATE "C"
            """, new { claims }, commandTimeout: 0)).ToList();

        // The same rows the runner writes: every result column, a quarantine row per quarantined claim, the ledger
        // lines of each settled claim, an alert when a threshold is crossed, and each person-year's accumulators
        // once the person's claims are done. Running totals are kept in memory between claims, as the runner does.
        // (v2) Keyed (psn_no, year, insutype) as the runner's: the person-level slots are copied to the other insutype's
        // state of the year after every claim (AccSlot.PersonLevel).
        var states = new Dictionary<(string, int, string), PersonYearState>();
        var errors = new List<(string Field, string Reason)>();
        var trace = new TraceBuffer(256);
        var lines = new List<LedgerLine>();
        long done = 0;
        string? person = null;
        NpgsqlTransaction? tx = null;
        foreach (var x in rows)
        {
            tx ??= await conn.BeginTransactionAsync();
            if (person != x.psn_no)
            {
                await FlushAccumulatorsAsync(conn, tx, states, forget: true);
                person = x.psn_no;
            }
            var row = ToClaimRow(x);
            var claim = default(ClaimIn);
            var psn = default(PersonIn);
            errors.Clear();
            ClaimValidator.Validate(in row, ref claim, ref psn, errors);
            OriginalResult? orig = null;
            if (x.reversal_of is { } of && errors.Count == 0)
            {
                // A reversal: the original's stored result, looked up the usual way, one query each.
                orig = await conn.QuerySingleOrDefaultAsync<OriginalResult>(
                    """
                    SELECT r.setl_id AS SetlId, r.psn_no AS PsnNo, r.status AS Status, r.reason AS Reason, r.year AS Year,
                           r.medfee_sumamt AS Medfee, r.fulamt_ownpay_amt AS Fulamt, r.overlmt_selfpay AS Overlmt,
                           r.preselfpay_amt AS Preselfpay, r.inscp_scp_amt AS Inscp, r.act_pay_dedc AS ActPayDedc,
                           r.hifp_pay AS HifpPay, r.pool_prop_bp AS PoolPropBp, r.hifmi_pay AS HifmiPay, r.hifob_pay AS HifobPay,
                           r.maf_pay AS MafPay, r.maf_tilted_pay AS MafTiltedPay, r.fund_pay_sumamt AS FundPaySumamt,
                           r.psn_part_amt AS PsnPartAmt, r.assumed_params AS AssumedParams, r.acc_delta AS AccDelta,
                           r.insutype AS Insutype
                    FROM naive_result r JOIN staging_claim c ON c.claim_seq = r.claim_seq WHERE c.setl_id = @of
                    """, new { of }, tx);
                bool reversed = await conn.ExecuteScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM naive_result WHERE reversal_of = @of AND status = 'settled')", new { of }, tx);
                ClaimValidator.CheckReversal(of, x.psn_no, orig, reversed, claim, errors);
            }
            var res = default(SettlementOut);
            string status = "quarantined";
            string? reason = errors.Count > 0 ? errors[0].Reason : null;
            long[]? delta = null;
            string? traceText = null;
            if (errors.Count == 0)
            {
                var key = (x.psn_no, orig?.Year ?? claim.Year, x.insutype);
                if (!states.TryGetValue(key, out var st))
                {
                    foreach (var (k, other) in states)
                    {
                        if (k.Item1 == key.Item1 && k.Item2 == key.Item2) AccSlot.CopyPersonLevel(in other, ref st);
                    }
                }
                var before = st;
                trace.Clear();
                if (orig is not null)
                {
                    var origDelta = default(PersonYearState);
                    for (int i = 0; i < orig.AccDelta!.Length && i < AccSlot.Count; i++) origDelta[i] = orig.AccDelta[i];
                    engine.Reverse(claim, BatchRunner.ToOut(orig), origDelta, ref st, ref res, trace);
                }
                else
                {
                    engine.Settle(claim, row.PAdmdvs is not null, psn, ref st, ref res, trace);
                }
                if (res.Status == SettlementStatus.Quarantined) st = before;
                states[key] = st;
                foreach (var k in states.Keys.ToList())
                {
                    if (k.Item1 != key.Item1 || k.Item2 != key.Item2 || k.Item3 == key.Item3) continue;
                    var other = states[k];
                    if (AccSlot.CopyPersonLevel(in st, ref other)) states[k] = other;
                }
                var d = default(PersonYearState);
                SettlementEngine.ComputeDelta(before, st, ref d);
                int len = AccSlot.Count;
                while (len > 0 && d[len - 1] == 0) len--;
                delta = new long[len];
                for (int i = 0; i < len; i++) delta[i] = d[i];
                traceText = TraceCodec.Encode(trace.Slice(res.TraceStart, res.TraceCount));
                status = res.Status switch { SettlementStatus.Settled => "settled", SettlementStatus.Rejected => "rejected", _ => "quarantined" };
                reason = res.Reason;
            }
            await conn.ExecuteAsync(
                """
                INSERT INTO naive_result (claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code,
                    year, status, reason, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
                    act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay, fund_pay_sumamt,
                    psn_part_amt, assumed_params, reversal_of, alert_threshold, acc_delta, trace, run_id)
                VALUES (@ClaimSeq, @SetlId, @PsnNo, @BatchId, @Admdvs, @Insutype, @MedType, @Fix, @Year, @Status, @Reason,
                    @Medfee, @Fulamt, @Overlmt, @Preselfpay, @Inscp, @Dedc, @Hifp, @Bp, @Hifmi, @Hifob, @Maf, @MafTilted,
                    @Fund, @Psn, @Assumed, @ReversalOf, @Alert, @Delta, @Trace, 1)
                """,
                new
                {
                    ClaimSeq = x.claim_seq, SetlId = x.setl_id, PsnNo = x.psn_no, BatchId = x.batch_id, Admdvs = x.admdvs,
                    Insutype = x.insutype, MedType = x.med_type, Fix = x.fixmedins_code, Year = x.enddate.Year,
                    Status = status, Reason = reason, Medfee = claim.MedfeeSumamt, Fulamt = claim.FulamtOwnpayAmt,
                    Overlmt = claim.OverlmtSelfpay, Preselfpay = claim.PreselfpayAmt, Inscp = claim.InscpScpAmt,
                    Dedc = res.ActPayDedc, Hifp = res.HifpPay, Bp = res.PoolPropBp, Hifmi = res.HifmiPay,
                    Hifob = res.HifobPay, Maf = res.MafPay, MafTilted = res.MafTiltedPay, Fund = res.FundPaySumamt,
                    Psn = res.PsnPartAmt, Assumed = res.AssumedParams, ReversalOf = x.reversal_of,
                    Alert = res.AlertThreshold, Delta = delta, Trace = traceText,
                }, tx);
            if (status == "quarantined" && errors.Count == 0) errors.Add(("policy", reason ?? "quarantined by the engine"));
            foreach (var (field, why) in errors)
            {
                await conn.ExecuteAsync(
                    """
                    INSERT INTO naive_quarantine (setl_id, batch_id, run_id, source_file, source_line, field, reason)
                    VALUES (@SetlId, @BatchId, 1, @SourceFile, @SourceLine, @Field, @Reason)
                    """, new { SetlId = x.setl_id, BatchId = x.batch_id, SourceFile = x.source_file, SourceLine = x.source_line, Field = field, Reason = why }, tx);
            }
            if (status == "settled")
            {
                lines.Clear();
                LedgerPosting.Post(x.claim_seq, x.setl_id, orig is not null, x.insutype, x.fixmedins_code, res, lines);
                foreach (var l in lines)
                {
                    await conn.ExecuteAsync(
                        """
                        INSERT INTO naive_ledger (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account,
                            fund_pay_type, fixmedins_code, debit, credit)
                        VALUES (@EntryId, @LineNo, @SetlId, 1, @BatchId, @Kind, now(), @Account, @FundPayType, @FixmedinsCode, @Debit, @Credit)
                        """, new { l.EntryId, l.LineNo, l.SetlId, BatchId = x.batch_id, l.Kind, l.Account, l.FundPayType, l.FixmedinsCode, l.Debit, l.Credit }, tx);
                }
                if (res.AlertThreshold != 0)
                {
                    await conn.ExecuteAsync(
                        """
                        INSERT INTO naive_alert (psn_no, year, threshold, ytd_personal_burden, triggered_by_setl_id, run_id)
                        VALUES (@PsnNo, @Year, @Threshold, @Burden, @SetlId, 1) ON CONFLICT DO NOTHING
                        """, new { PsnNo = x.psn_no, claim.Year, Threshold = res.AlertThreshold, Burden = res.AlertBurden, SetlId = x.setl_id }, tx);
                }
            }
            if (++done % 10_000 == 0)
            {
                // The person may go on in the next transaction: store their totals so far, keep them in memory.
                await FlushAccumulatorsAsync(conn, tx, states, forget: false);
                await tx.CommitAsync();
                await tx.DisposeAsync();
                tx = null;
            }
        }
        if (tx is not null)
        {
            await FlushAccumulatorsAsync(conn, tx, states, forget: true);
            await tx.CommitAsync();
            await tx.DisposeAsync();
        }
        sw.Stop();
        // Same settlement: every result the baseline stored must equal the end-to-end run's stored result for that claim.
        var check = await conn.QuerySingleAsync<(long Compared, long Mismatches)>(
            """
            SELECT count(*), count(*) FILTER (WHERE (n.status, n.hifp_pay, n.hifmi_pay, n.hifob_pay, n.maf_pay, n.psn_part_amt, n.acc_delta)
                                                 IS DISTINCT FROM (r.status, r.hifp_pay, r.hifmi_pay, r.hifob_pay, r.maf_pay, r.psn_part_amt, r.acc_delta))
            FROM naive_result n JOIN settlement_result r ON r.claim_seq = n.claim_seq
            """, commandTimeout: 0);
        foreach (var m in await conn.QueryAsync<string>(
            """
            SELECT n.setl_id || ': naive ' || n.status || coalesce(' ' || n.reason, '') || ' ' || n.hifp_pay || '/' || n.psn_part_amt
                   || ', end-to-end ' || r.status || coalesce(' ' || r.reason, '') || ' ' || r.hifp_pay || '/' || r.psn_part_amt
            FROM naive_result n JOIN settlement_result r ON r.claim_seq = n.claim_seq
            WHERE (n.status, n.hifp_pay, n.hifmi_pay, n.hifob_pay, n.maf_pay, n.psn_part_amt, n.acc_delta)
                  IS DISTINCT FROM (r.status, r.hifp_pay, r.hifmi_pay, r.hifob_pay, r.maf_pay, r.psn_part_amt, r.acc_delta)
            ORDER BY n.claim_seq LIMIT 5
            """, commandTimeout: 0))
        {
            Console.WriteLine($"  naive differs: {m}");
        }
        await conn.ExecuteAsync("DROP TABLE naive_result, naive_ledger, naive_quarantine, naive_accumulator, naive_alert");
        return (done, sw.Elapsed.TotalSeconds, check.Compared, check.Mismatches);
    }

    /// <summary>Upserts the running totals held in memory, one row per person-year; <paramref name="forget"/> when the
    /// person's claims are done.</summary>
    private static async Task FlushAccumulatorsAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        Dictionary<(string, int, string), PersonYearState> states, bool forget)
    {
        foreach (var ((psnNo, year, insutype), st) in states)
        {
            var acc = new long[AccSlot.Count];
            for (int i = 0; i < acc.Length; i++) acc[i] = st[i];
            await conn.ExecuteAsync(
                """
                INSERT INTO naive_accumulator (psn_no, year, insutype, acc, run_id) VALUES (@psnNo, @year, @insutype, @acc, 1)
                ON CONFLICT (psn_no, year, insutype) DO UPDATE SET acc = excluded.acc, run_id = excluded.run_id
                """, new { psnNo, year, insutype, acc }, tx);
        }
        if (forget) states.Clear();
    }

    private static ClaimRow ToClaimRow(Row x) => new()
    {
        ClaimSeq = x.claim_seq, BatchId = x.batch_id, SetlId = x.setl_id, PsnNo = x.psn_no, Admdvs = x.admdvs,
        Insutype = x.insutype, MedType = x.med_type, FixmedinsCode = x.fixmedins_code, HospLv = x.hosp_lv,
        FacKind = x.fac_kind, Designated = x.designated, Setting = x.setting, InProvince = x.in_province,
        TransferFromLv = x.transfer_from_lv, BeginDate = DateOnly.FromDateTime(x.begndate),
        EndDate = DateOnly.FromDateTime(x.enddate), BedDays = x.bed_days, DiseCodg = x.dise_codg,
        SpecialDise = x.special_dise, ExclCause = x.excl_cause, Emergency = x.emergency, Approved = x.approved,
        Medfee = x.medfee_sumamt, Fulamt = x.fulamt_ownpay_amt, Overlmt = x.overlmt_selfpay,
        Preselfpay = x.preselfpay_amt, Inscp = x.inscp_scp_amt, ReversalOf = x.reversal_of,
        SourceFile = x.source_file, SourceLine = x.source_line, PersonKnown = x.known, PAdmdvs = x.p_admdvs,
        PInsutype = x.p_insutype, PBirth = x.p_brdy is { } b ? DateOnly.FromDateTime(b) : default, PYear = x.p_year ?? 0,
        PEnrolKind = x.p_enrol_kind, PPaidDate = x.p_paid_date is { } pd ? DateOnly.FromDateTime(pd) : default,
        PPrevCoverEnd = x.p_prev_cover_end is { } pc ? DateOnly.FromDateTime(pc) : null,
        PBrokenYears = x.p_broken_years, PRepairedYears = x.p_repaired_years, PContinuousYears = x.p_continuous_years,
        PZeroClaimYears = x.p_zero_claim_years,
        PLargeAmountPaidDate = x.p_large_amount_paid_date is { } la ? DateOnly.FromDateTime(la) : null,
        PHardship = x.p_hardship, PAssistanceSubsidised = x.p_assistance_subsidised,
        DiseQualified = x.dise_qualified, HighValueDrug = x.high_value_drug, PUniversity = x.p_university ?? false,
        PMaternityInsured = x.p_maternity_insured ?? true,
        PArrearsFrom = x.p_arrears_from is { } af ? DateOnly.FromDateTime(af) : null,
        PArrearsPaid = x.p_arrears_paid is { } ap ? DateOnly.FromDateTime(ap) : null,
        PEmployeeRow = x.e_paid_date is { } ep ? (x.e_enrol_kind == "centralised", DateOnly.FromDateTime(ep)) : null,
    };
}
