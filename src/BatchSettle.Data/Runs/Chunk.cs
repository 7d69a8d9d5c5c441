using BatchSettle.Data.Ledger;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Runs;

/// <summary>
/// The writes of whole persons, committed in one transaction that also advances the partition's checkpoint:
/// results, quarantine, ledger lines and alerts by binary COPY, accumulators by COPY into a temp table + upsert.
/// </summary>
internal sealed class Chunk
{
    public readonly List<ResultRow> Results = new(1024);
    public readonly List<QuarantineRow> Quarantine = [];
    public readonly List<LedgerLine> Ledger = new(4096);
    public readonly List<AlertRow> Alerts = [];
    public readonly List<(string PsnNo, int Year, long[] Acc)> Accumulators = new(1024);

    public int Claims => Results.Count;

    public void Clear()
    {
        Results.Clear();
        Quarantine.Clear();
        Ledger.Clear();
        Alerts.Clear();
        Accumulators.Clear();
    }

    public async Task CommitAsync(NpgsqlDataSource ds, long runId, string batchId, int partNo, string checkpoint,
        DateTimeOffset postedAt, CancellationToken ct)
    {
        await using var conn = await ds.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await WriteResultsAsync(conn, runId, ct);
        await WriteQuarantineAsync(conn, runId, ct);
        await WriteLedgerAsync(conn, runId, batchId, postedAt, ct);
        await WriteAccumulatorsAsync(conn, tx, runId, ct);
        await WriteAlertsAsync(conn, tx, runId, ct);
        int n = await conn.ExecuteAsync(new CommandDefinition(
            """
            UPDATE run_partition
            SET checkpoint = @checkpoint, claims_done = claims_done + @claims, chunks = chunks + 1, updated_at = @postedAt
            WHERE run_id = @runId AND part_no = @partNo
            """, new { checkpoint, claims = (long)Claims, postedAt, runId, partNo }, tx, cancellationToken: ct));
        if (n != 1) throw new InvalidOperationException($"run_partition {runId}/{partNo} not found");
        await tx.CommitAsync(ct);
    }

    private async Task WriteResultsAsync(NpgsqlConnection conn, long runId, CancellationToken ct)
    {
        if (Results.Count == 0) return;
        await using var imp = await conn.BeginBinaryImportAsync(
            """
            COPY settlement_result (setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, year, status,
                reason, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, act_pay_dedc,
                hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay, fund_pay_sumamt, psn_part_amt,
                assumed_params, reversal_of, alert_threshold, acc_delta, trace, run_id) FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var r in Results)
        {
            await imp.StartRowAsync(ct);
            await imp.WriteAsync(r.SetlId, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(r.PsnNo, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(r.BatchId, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(r.Admdvs, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(r.Insutype, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(r.MedType, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(r.FixmedinsCode, NpgsqlDbType.Text, ct);
            await WriteNullableAsync(imp, r.Year, NpgsqlDbType.Integer, ct);
            await imp.WriteAsync(r.Status, NpgsqlDbType.Text, ct);
            await WriteTextAsync(imp, r.Reason, ct);
            await WriteNullableAsync(imp, r.Medfee, NpgsqlDbType.Bigint, ct);
            await WriteNullableAsync(imp, r.Fulamt, NpgsqlDbType.Bigint, ct);
            await WriteNullableAsync(imp, r.Overlmt, NpgsqlDbType.Bigint, ct);
            await WriteNullableAsync(imp, r.Preselfpay, NpgsqlDbType.Bigint, ct);
            await WriteNullableAsync(imp, r.Inscp, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.ActPayDedc, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.HifpPay, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.PoolPropBp, NpgsqlDbType.Integer, ct);
            await imp.WriteAsync(r.HifmiPay, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.HifobPay, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.MafPay, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.MafTiltedPay, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.FundPaySumamt, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.PsnPartAmt, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(r.AssumedParams, NpgsqlDbType.Boolean, ct);
            await WriteTextAsync(imp, r.ReversalOf, ct);
            await imp.WriteAsync(r.AlertThreshold, NpgsqlDbType.Bigint, ct);
            if (r.AccDelta is null) await imp.WriteNullAsync(ct);
            else await imp.WriteAsync(r.AccDelta, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
            await WriteTextAsync(imp, r.Trace, ct);
            await imp.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
        }
        await imp.CompleteAsync(ct);
    }

    private async Task WriteQuarantineAsync(NpgsqlConnection conn, long runId, CancellationToken ct)
    {
        if (Quarantine.Count == 0) return;
        await using var imp = await conn.BeginBinaryImportAsync(
            "COPY quarantine (setl_id, batch_id, run_id, source_file, source_line, field, reason) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var q in Quarantine)
        {
            await imp.StartRowAsync(ct);
            await WriteTextAsync(imp, q.SetlId, ct);
            await imp.WriteAsync(q.BatchId, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
            await WriteTextAsync(imp, q.SourceFile, ct);
            await WriteNullableAsync(imp, q.SourceLine, NpgsqlDbType.Integer, ct);
            await imp.WriteAsync(q.Field, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(q.Reason, NpgsqlDbType.Text, ct);
        }
        await imp.CompleteAsync(ct);
    }

    private async Task WriteLedgerAsync(NpgsqlConnection conn, long runId, string batchId, DateTimeOffset postedAt, CancellationToken ct)
    {
        if (Ledger.Count == 0) return;
        await using var imp = await conn.BeginBinaryImportAsync(
            """
            COPY ledger_line (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account, fund_pay_type,
                fixmedins_code, debit, credit) FROM STDIN (FORMAT BINARY)
            """, ct);
        foreach (var l in Ledger)
        {
            await imp.StartRowAsync(ct);
            await imp.WriteAsync(l.EntryId, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(l.LineNo, NpgsqlDbType.Integer, ct);
            await WriteTextAsync(imp, l.SetlId, ct);
            await imp.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(batchId, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(l.Kind, NpgsqlDbType.Text, ct);
            await imp.WriteAsync(postedAt, NpgsqlDbType.TimestampTz, ct);
            await imp.WriteAsync(l.Account, NpgsqlDbType.Text, ct);
            await WriteTextAsync(imp, l.FundPayType, ct);
            await WriteTextAsync(imp, l.FixmedinsCode, ct);
            await imp.WriteAsync(l.Debit, NpgsqlDbType.Bigint, ct);
            await imp.WriteAsync(l.Credit, NpgsqlDbType.Bigint, ct);
        }
        await imp.CompleteAsync(ct);
    }

    private async Task WriteAccumulatorsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        if (Accumulators.Count == 0) return;
        await conn.ExecuteAsync(new CommandDefinition(
            "CREATE TEMP TABLE tmp_acc (psn_no text, year int, acc bigint[]) ON COMMIT DROP", transaction: tx, cancellationToken: ct));
        await using (var imp = await conn.BeginBinaryImportAsync("COPY tmp_acc (psn_no, year, acc) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (psn, year, acc) in Accumulators)
            {
                await imp.StartRowAsync(ct);
                await imp.WriteAsync(psn, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(year, NpgsqlDbType.Integer, ct);
                await imp.WriteAsync(acc, NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
            }
            await imp.CompleteAsync(ct);
        }
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO accumulator (psn_no, year, acc, run_id)
            SELECT psn_no, year, acc, @runId FROM tmp_acc
            ON CONFLICT (psn_no, year) DO UPDATE SET acc = excluded.acc, run_id = excluded.run_id
            """, new { runId }, tx, cancellationToken: ct));
    }

    private async Task WriteAlertsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long runId, CancellationToken ct)
    {
        if (Alerts.Count == 0) return;
        await conn.ExecuteAsync(new CommandDefinition(
            "CREATE TEMP TABLE tmp_alert (psn_no text, year int, threshold bigint, burden bigint, setl_id text) ON COMMIT DROP",
            transaction: tx, cancellationToken: ct));
        await using (var imp = await conn.BeginBinaryImportAsync(
            "COPY tmp_alert (psn_no, year, threshold, burden, setl_id) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var a in Alerts)
            {
                await imp.StartRowAsync(ct);
                await imp.WriteAsync(a.PsnNo, NpgsqlDbType.Text, ct);
                await imp.WriteAsync(a.Year, NpgsqlDbType.Integer, ct);
                await imp.WriteAsync(a.Threshold, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(a.Burden, NpgsqlDbType.Bigint, ct);
                await imp.WriteAsync(a.SetlId, NpgsqlDbType.Text, ct);
            }
            await imp.CompleteAsync(ct);
        }
        // One alert per person, year and threshold (§9): a second crossing is not news.
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO alert (psn_no, year, threshold, ytd_personal_burden, triggered_by_setl_id, run_id)
            SELECT psn_no, year, threshold, burden, setl_id, @runId FROM tmp_alert
            ON CONFLICT (psn_no, year, threshold) DO NOTHING
            """, new { runId }, tx, cancellationToken: ct));
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter imp, string? v, CancellationToken ct) =>
        v is null ? imp.WriteNullAsync(ct) : imp.WriteAsync(v, NpgsqlDbType.Text, ct);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter imp, T? v, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        v is { } x ? imp.WriteAsync(x, type, ct) : imp.WriteNullAsync(ct);
}
