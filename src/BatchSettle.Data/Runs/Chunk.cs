using BatchSettle.Core.Settlement;
using BatchSettle.Data.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Runs;

/// <summary>
/// The writes of whole persons, committed in one transaction that also advances the partition's checkpoint:
/// results, quarantine, ledger lines and alerts by binary COPY, accumulators by COPY (rows new to the table) or COPY into a
/// temp table + one upsert (rows stored before).
/// Rows are structs in reusable blocks; a chunk is cleared and reused, so a partition's memory is a few chunks
/// whatever the size of the batch. Writes are synchronous: the writer runs on its own thread (docs/PERFORMANCE.md).
/// </summary>
internal sealed class Chunk
{
    /// <summary>The columns of a settlement_result row as the writer sends them (the bench's envelope sends the same).</summary>
    public const string ResultColumns =
        "claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, year, status, reason, "
        + "medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay, "
        + "pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay, fund_pay_sumamt, psn_part_amt, assumed_params, "
        + "reversal_of, alert_threshold, acc_delta, trace, run_id, superseded_params";

    public const int ResultColumnCount = 32;

    /// <summary>The columns of a ledger_line row as the writer sends them.</summary>
    public const string LedgerColumns =
        "entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type, fixmedins_code, debit, credit";

    public const int LedgerColumnCount = 12;

    private ResultRow[] _results = new ResultRow[1024];
    private AccumulatorRow[] _accumulators = new AccumulatorRow[256];
    private char[] _trace = new char[64 * 1024];
    private int _traceLength;

    public readonly List<QuarantineRow> Quarantine = [];
    public readonly List<AlertRow> Alerts = [];

    public int Claims { get; private set; }

    public int AccumulatorCount { get; private set; }

    /// <summary>Ledger lines the last <see cref="Commit"/> copied (for telemetry).</summary>
    public int LedgerLines { get; private set; }

    /// <summary>psn_no of the last whole person in the chunk: the partition's checkpoint once it commits.</summary>
    public string? Checkpoint;

    public Span<ResultRow> Results => _results.AsSpan(0, Claims);

    public void Clear()
    {
        // Drop references so a reused chunk does not keep the previous chunk's strings alive.
        Array.Clear(_results, 0, Claims);
        Array.Clear(_accumulators, 0, AccumulatorCount);
        Claims = 0;
        AccumulatorCount = 0;
        _traceLength = 0;
        Checkpoint = null;
        Quarantine.Clear();
        Alerts.Clear();
    }

    public ref ResultRow AddResult()
    {
        if (Claims == _results.Length) Array.Resize(ref _results, _results.Length * 2);
        ref var r = ref _results[Claims++];
        r = default;
        r.TraceLength = -1;
        return ref r;
    }

    public ref AccumulatorRow AddAccumulator()
    {
        if (AccumulatorCount == _accumulators.Length) Array.Resize(ref _accumulators, _accumulators.Length * 2);
        return ref _accumulators[AccumulatorCount++];
    }

    /// <summary>Stores <paramref name="steps"/> as the trace text of <paramref name="r"/>.</summary>
    public void SetTrace(ref ResultRow r, ReadOnlySpan<TraceStep> steps)
    {
        r.TraceStart = _traceLength;
        r.TraceLength = TraceText.Encode(steps, ref _trace, _traceLength);
        _traceLength += r.TraceLength;
    }

    /// <summary>Commits the chunk on <paramref name="conn"/>: the partition writer's own connection, kept for the whole
    /// partition (a pooled connection per chunk cost a DISCARD ALL and the temp tables' re-creation every chunk).</summary>
    public void Commit(NpgsqlConnection conn, long runId, string batchId, int partNo, DateTimeOffset postedAt)
    {
        using var tx = conn.BeginTransaction();
        // The seal's digest (RowDigest, migration 096): this chunk's rows hashed as they are sent, added to the
        // partition's sums in the transaction that commits the rows. Started afresh on every attempt of the commit.
        var digest = _digest ??= new RowDigest();
        digest.Reset();
        WriteResults(conn, runId, batchId, digest: digest);
        WriteQuarantine(conn, runId);
        WriteLedger(conn, runId, batchId, postedAt, digest);
        WriteAccumulators(conn, tx, runId);
        WriteAlerts(conn, tx, runId);
        using (var cmd = new NpgsqlCommand(
            """
            UPDATE run_partition
            SET checkpoint = $1, claims_done = claims_done + $2, chunks = chunks + 1, updated_at = $3,
                seal_results = seal_results + $6, seal_ledger_lines = seal_ledger_lines + $7,
                seal_results_sum = seal_results_sum + $8::numeric, seal_ledger_sum = seal_ledger_sum + $9::numeric,
                tot_claims = tot_claims + $10, tot_settled = tot_settled + $11, tot_rejected = tot_rejected + $12,
                tot_quarantined = tot_quarantined + $13, tot_assumed = tot_assumed + $14,
                tot_superseded = tot_superseded + $15, tot_310100 = tot_310100 + $16, tot_390100 = tot_390100 + $17,
                tot_390200 = tot_390200 + $18, tot_330100 = tot_330100 + $19, tot_610100 = tot_610100 + $20,
                tot_psn_part = tot_psn_part + $21, tot_zero_resets = tot_zero_resets + $22,
                tot_zero_undos = tot_zero_undos + $23
            WHERE run_id = $4 AND part_no = $5
            """, conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Checkpoint, NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = Claims });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = postedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = runId });
            cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = partNo });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = digest.Results });
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = digest.LedgerLines });
            // The sums as numeric text (they exceed every integer type; the seal reduces them modulo 2^256).
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = digest.ResultsValue.ToString(System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlDbType.Text });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = digest.LedgerValue.ToString(System.Globalization.CultureInfo.InvariantCulture), NpgsqlDbType = NpgsqlDbType.Text });
            // The run's totals (migration 097), as closing the run would sum them from these results.
            var t = Totals();
            foreach (long v in (ReadOnlySpan<long>)[t.Claims, t.Settled, t.Rejected, t.Quarantined, t.Assumed, t.Superseded,
                         t.Pooled310100, t.Pooled390100, t.Critical390200, t.Large330100, t.Assistance610100, t.PsnPart,
                         t.ZeroResets, t.ZeroUndos])
            {
                cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = v });
            }
            if (cmd.ExecuteNonQuery() != 1) throw new InvalidOperationException($"run_partition {runId}/{partNo} not found");
        }
        tx.Commit();
    }

    /// <summary>The chunk's share of its run's totals (migration 097): the same counts and sums as the run's closing
    /// statement over settlement_result (BatchRunner.FinishRunAsync's fallback), from the rows as written.</summary>
    internal RunTotals Totals()
    {
        var t = default(RunTotals);
        foreach (ref readonly var r in Results)
        {
            t.Claims++;
            bool settled = r.Status == "settled";
            if (settled) t.Settled++;
            else if (r.Status == "rejected") t.Rejected++;
            else if (r.Status == "quarantined") t.Quarantined++;
            if (settled && r.AssumedParams) t.Assumed++;
            if (settled && r.SupersededParams) t.Superseded++;
            if (r.Insutype == "310") t.Pooled310100 += r.HifpPay;
            else t.Pooled390100 += r.HifpPay;
            t.Critical390200 += r.HifmiPay;
            t.Large330100 += r.HifobPay;
            t.Assistance610100 += r.MafPay;
            if (settled) t.PsnPart += r.PsnPartAmt;
            if (settled && r.HasDelta)
            {
                long z = r.AccDelta[AccSlot.ZeroClaimIncentiveReset];
                if (z == 1) t.ZeroResets++;
                else if (z == -1) t.ZeroUndos++;
            }
        }
        return t;
    }

    /// <summary>
    /// (Simulation, issue 15) Commits the chunk to one side of a simulation: its results to sim_result and its alerts to
    /// sim_alert (both unlogged), nothing else — no ledger, accumulators, quarantine or checkpoint (a simulation that
    /// fails is dropped and re-run, never resumed).
    /// </summary>
    public void CommitSimulation(NpgsqlConnection conn, long simId, int side)
    {
        using var tx = conn.BeginTransaction();
        WriteResults(conn, simId, null, side);
        if (Alerts.Count > 0)
        {
            using var imp = conn.BeginBinaryImport("COPY sim_alert (sim_id, side, psn_no, year, threshold, burden, setl_id) FROM STDIN (FORMAT BINARY)");
            foreach (var a in Alerts)
            {
                imp.StartRow();
                imp.Write(simId, NpgsqlDbType.Bigint);
                imp.Write(side, NpgsqlDbType.Integer);
                imp.Write(a.PsnNo, NpgsqlDbType.Text);
                imp.Write(a.Year, NpgsqlDbType.Integer);
                imp.Write(a.Threshold, NpgsqlDbType.Bigint);
                imp.Write(a.Burden, NpgsqlDbType.Bigint);
                imp.Write(a.SetlId, NpgsqlDbType.Text);
            }
            imp.Complete();
        }
        tx.Commit();
    }

    /// <summary>sim_result's columns as <see cref="CommitSimulation"/> sends them: a result row's, with the simulation
    /// id and side in place of run_id.</summary>
    public const string SimResultColumns =
        "claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, year, status, reason, "
        + "medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay, "
        + "pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay, fund_pay_sumamt, psn_part_amt, assumed_params, "
        + "reversal_of, alert_threshold, acc_delta, trace, sim_id, superseded_params, side";

    private readonly BinaryCopyWriter _copy = new();
    private RowDigest? _digest;

    /// <summary>Writes the results: to settlement_result under <paramref name="runId"/> and <paramref name="batchId"/>,
    /// or (<paramref name="side"/> given, batch id null) to sim_result under simulation id <paramref name="runId"/>.</summary>
    private void WriteResults(NpgsqlConnection conn, long runId, string? batchId, int side = -1, RowDigest? digest = null)
    {
        if (Claims == 0) return;
        var w = _copy;
        bool sim = side >= 0;
        w.Begin(conn, sim
            ? $"COPY sim_result ({SimResultColumns}) FROM STDIN (FORMAT BINARY)"
            : $"COPY settlement_result ({ResultColumns}) FROM STDIN (FORMAT BINARY)", digest);
        try
        {
            Span<long> delta = stackalloc long[AccSlot.Count];
            foreach (ref readonly var r in Results)
            {
                w.StartRow((short)(sim ? ResultColumnCount + 1 : ResultColumnCount));
                w.Long(r.ClaimSeq);
                w.Text(r.SetlId);
                w.Text(r.PsnNo);
                w.Text(batchId ?? r.BatchId);
                w.Text(r.Admdvs);
                w.Text(r.Insutype);
                w.Text(r.MedType);
                w.Text(r.FixmedinsCode);
                w.Int(r.Year);
                w.Text(r.Status);
                w.Text(r.Reason);
                w.Long(r.Medfee);
                w.Long(r.Fulamt);
                w.Long(r.Overlmt);
                w.Long(r.Preselfpay);
                w.Long(r.Inscp);
                w.Long(r.ActPayDedc);
                w.Long(r.HifpPay);
                w.Int(r.PoolPropBp);
                w.Long(r.HifmiPay);
                w.Long(r.HifobPay);
                w.Long(r.MafPay);
                w.Long(r.MafTiltedPay);
                w.Long(r.FundPaySumamt);
                w.Long(r.PsnPartAmt);
                w.Bool(r.AssumedParams);
                w.Text(r.ReversalOf);
                w.Long(r.AlertThreshold);
                if (!r.HasDelta)
                {
                    w.Null();
                }
                else
                {
                    // Positional as accumulator_slot, without the trailing zero slots (every reader takes a missing
                    // slot as 0): a claim touches the first ~20 of 40 slots, and the full array was a third of a
                    // result row's bytes.
                    int len = AccSlot.Count;
                    while (len > 0 && r.AccDelta[len - 1] == 0) len--;
                    for (int i = 0; i < len; i++) delta[i] = r.AccDelta[i];
                    w.Longs(delta[..len]);
                }
                if (r.TraceLength < 0) w.Null();
                else w.Text(_trace.AsSpan(r.TraceStart, r.TraceLength));
                w.Long(runId);
                w.Bool(r.SupersededParams);
                if (sim) w.Int(side);
                if (digest is not null)
                {
                    w.HashPending();
                    digest.EndResult();
                }
            }
            w.Complete();
        }
        catch
        {
            w.Abandon();
            throw;
        }
    }

    private void WriteQuarantine(NpgsqlConnection conn, long runId)
    {
        if (Quarantine.Count == 0) return;
        using var imp = conn.BeginBinaryImport(
            "COPY quarantine (setl_id, batch_id, run_id, source_file, source_line, field, reason) FROM STDIN (FORMAT BINARY)");
        foreach (var q in Quarantine)
        {
            imp.StartRow();
            Text(imp, q.SetlId);
            imp.Write(q.BatchId, NpgsqlDbType.Text);
            imp.Write(runId, NpgsqlDbType.Bigint);
            Text(imp, q.SourceFile);
            Nullable(imp, q.SourceLine, NpgsqlDbType.Integer);
            imp.Write(q.Field, NpgsqlDbType.Text);
            imp.Write(q.Reason, NpgsqlDbType.Text);
        }
        imp.Complete();
    }

    /// <summary>
    /// The journal entry of each settled claim (POLICY.md §10, as <see cref="LedgerPosting"/>): per paying fund a
    /// benefit_expense debit and a payable_facility credit, then the personal share as a memo pair. Written straight
    /// from the result structs, so a posting costs no object. entry_id is the claim's claim_seq.
    /// </summary>
    private void WriteLedger(NpgsqlConnection conn, long runId, string batchId, DateTimeOffset postedAt, RowDigest? digest)
    {
        LedgerLines = 0;
        bool any = false;
        foreach (ref readonly var r in Results)
        {
            if (r.Post) { any = true; break; }
        }
        if (!any) return;
        var w = _copy;
        w.Begin(conn, $"COPY ledger_line ({LedgerColumns}) FROM STDIN (FORMAT BINARY)", digest);
        try
        {
            foreach (ref readonly var r in Results)
            {
                if (!r.Post) continue;
                string kind = r.IsReversal ? "reversal" : "settlement";
                int lineNo = 0;
                Fund(w, in r, kind, FundPayType.Pooled(r.Insutype), r.HifpPay, ref lineNo);
                Fund(w, in r, kind, FundPayType.CriticalIllness, r.HifmiPay, ref lineNo);
                Fund(w, in r, kind, FundPayType.LargeAmount, r.HifobPay, ref lineNo);
                Fund(w, in r, kind, FundPayType.Assistance, r.MafPay, ref lineNo);
                if (r.PsnPartAmt != 0)
                {
                    Line(w, in r, ++lineNo, kind, LedgerPosting.MemoPersonalShare, null, r.PsnPartAmt, 0);
                    Line(w, in r, ++lineNo, kind, LedgerPosting.MemoFacilityCollected, null, 0, r.PsnPartAmt);
                }
                if (digest is not null)
                {
                    // One element per entry: the claim's lines, in line_no order (reconcile groups by entry_id).
                    w.HashPending();
                    digest.EndLedgerEntry(lineNo);
                }
            }
            LedgerLines = checked((int)w.Complete());
        }
        catch
        {
            w.Abandon();
            throw;
        }

        void Fund(BinaryCopyWriter w, in ResultRow r, string kind, string fundPayType, long amount, ref int lineNo)
        {
            if (amount == 0) return;
            Line(w, in r, ++lineNo, kind, LedgerPosting.BenefitExpense, fundPayType, amount, 0);
            Line(w, in r, ++lineNo, kind, LedgerPosting.PayableFacility, fundPayType, 0, amount);
        }

        void Line(BinaryCopyWriter w, in ResultRow r, int lineNo, string kind, string account, string? fundPayType,
            long debit, long credit)
        {
            w.StartRow(LedgerColumnCount);
            w.Long(r.ClaimSeq);
            w.Int(lineNo);
            w.Text(r.SetlId);
            w.Long(runId);
            w.Text(batchId);
            w.Text(kind);
            w.TimestampTz(postedAt);
            w.Text(account);
            w.Text(fundPayType);
            w.Text(r.FixmedinsCode);
            w.Long(debit);
            w.Long(credit);
        }
    }

    private void WriteAccumulators(NpgsqlConnection conn, NpgsqlTransaction tx, long runId)
    {
        if (AccumulatorCount == 0) return;
        // Rows the partition's accumulator stream did not have (a person's first claim of the year, insutype): COPY
        // straight into accumulator — no temp table, no INSERT … SELECT, no speculative insertion (~2.5–3 µs of
        // PostgreSQL CPU a row, docs/PERFORMANCE.md "Eighth round"). Should anyone have stored such a row since the
        // stream was read, the key refuses the COPY and the run fails (nothing is overwritten); its resume reads the
        // stream again from the checkpoint and settles on top of the stored row.
        int stored = 0;
        for (int n = 0; n < AccumulatorCount; n++)
        {
            if (_accumulators[n].Stored) stored++;
        }
        if (stored < AccumulatorCount)
        {
            CopyAccumulators(conn, "COPY accumulator (psn_no, year, insutype, acc, run_id) FROM STDIN (FORMAT BINARY)",
                stored: false, runId);
        }
        if (stored == 0) return;
        // Rows stored before: COPY into a temp table and one upsert (kept for the session, emptied at commit: no
        // catalog churn per chunk).
        Execute(conn, tx, "CREATE TEMP TABLE IF NOT EXISTS tmp_acc (psn_no text, year int, insutype text, acc bigint[]) ON COMMIT DELETE ROWS");
        CopyAccumulators(conn, "COPY tmp_acc (psn_no, year, insutype, acc) FROM STDIN (FORMAT BINARY)", stored: true, runId: null);
        Execute(conn, tx,
            $"""
            INSERT INTO accumulator (psn_no, year, insutype, acc, run_id)
            SELECT psn_no, year, insutype, acc, {runId} FROM tmp_acc
            ON CONFLICT (psn_no, year, insutype) DO UPDATE SET acc = excluded.acc, run_id = excluded.run_id
            """);
    }

    /// <summary>COPYs the chunk's accumulator rows whose <see cref="AccumulatorRow.Stored"/> is
    /// <paramref name="stored"/>, written like results: the binary COPY format by hand, arrays without trailing zero
    /// slots (a reader takes a missing slot as 0); run_id last when <paramref name="runId"/> is given.</summary>
    private void CopyAccumulators(NpgsqlConnection conn, string copy, bool stored, long? runId)
    {
        var w = _copy;
        w.Begin(conn, copy);
        try
        {
            Span<long> acc = stackalloc long[AccSlot.Count];
            for (int n = 0; n < AccumulatorCount; n++)
            {
                ref readonly var a = ref _accumulators[n];
                if (a.Stored != stored) continue;
                int len = AccSlot.Count;
                while (len > 0 && a.Acc[len - 1] == 0) len--;
                for (int i = 0; i < len; i++) acc[i] = a.Acc[i];
                w.StartRow((short)(runId is null ? 4 : 5));
                w.Text(a.PsnNo);
                w.Int(a.Year);
                w.Text(a.Insutype);
                w.Longs(acc[..len]);
                if (runId is { } id) w.Long(id);
            }
            w.Complete();
        }
        catch
        {
            w.Abandon();
            throw;
        }
    }

    private void WriteAlerts(NpgsqlConnection conn, NpgsqlTransaction tx, long runId)
    {
        if (Alerts.Count == 0) return;
        Execute(conn, tx,
            "CREATE TEMP TABLE IF NOT EXISTS tmp_alert (psn_no text, year int, threshold bigint, burden bigint, setl_id text) ON COMMIT DELETE ROWS");
        using (var imp = conn.BeginBinaryImport("COPY tmp_alert (psn_no, year, threshold, burden, setl_id) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var a in Alerts)
            {
                imp.StartRow();
                imp.Write(a.PsnNo, NpgsqlDbType.Text);
                imp.Write(a.Year, NpgsqlDbType.Integer);
                imp.Write(a.Threshold, NpgsqlDbType.Bigint);
                imp.Write(a.Burden, NpgsqlDbType.Bigint);
                imp.Write(a.SetlId, NpgsqlDbType.Text);
            }
            imp.Complete();
        }
        // One alert per person, year and threshold (§9): a second crossing is not news.
        Execute(conn, tx,
            $"""
            INSERT INTO alert (psn_no, year, threshold, ytd_personal_burden, triggered_by_setl_id, run_id)
            SELECT psn_no, year, threshold, burden, setl_id, {runId} FROM tmp_alert
            ON CONFLICT (psn_no, year, threshold) DO NOTHING
            """);
    }

    private static void Execute(NpgsqlConnection conn, NpgsqlTransaction tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.ExecuteNonQuery();
    }

    private static void Text(NpgsqlBinaryImporter imp, string? v)
    {
        if (v is null) imp.WriteNull();
        else imp.Write(v, NpgsqlDbType.Text);
    }

    private static void Nullable<T>(NpgsqlBinaryImporter imp, T? v, NpgsqlDbType type)
        where T : struct
    {
        if (v is { } x) imp.Write(x, type);
        else imp.WriteNull();
    }
}
