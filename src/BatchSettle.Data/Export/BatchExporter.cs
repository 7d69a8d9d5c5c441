using System.Globalization;
using System.Text;
using BatchSettle.Core.Money;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Export;

/// <summary>
/// Writes a batch's results, ledger and alerts as CSV in the contract's shapes (CONTRACT.md Outputs 1–3). With
/// <paramref name="excelFriendly"/> (opt-in, not the contract's format) the file starts with a UTF-8 BOM, so Excel reads
/// the Chinese text, and every id and code cell is written as <c>="…"</c>, so Excel keeps a 22-digit setl_id or a
/// 16-digit psn_no as text instead of rounding it to 15 digits.
/// </summary>
public sealed class BatchExporter(NpgsqlDataSource dataSource, bool excelFriendly = false)
{
    public const string ResultsHeader =
        "setl_id,psn_no,batch_id,admdvs,insutype,med_type,status,reason,medfee_sumamt,fulamt_ownpay_amt,overlmt_selfpay," +
        "preselfpay_amt,inscp_scp_amt,act_pay_dedc,hifp_pay,pool_prop_selfpay,hifmi_pay,hifob_pay,maf_pay,maf_tilted_pay," +
        "fund_pay_sumamt,psn_part_amt,assumed_params";

    public const string LedgerHeader = "entry_id,setl_id,run_id,posted_at,account,fund_pay_type,fixmedins_code,debit,credit";

    public const string AlertsHeader = "psn_no,year,threshold,ytd_personal_burden,triggered_by_setl_id";

    private static string Lit(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    public async Task<int> ExportResultsAsync(string batchId, string path, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var exp = await conn.BeginBinaryExportAsync(
            $"""
            COPY (SELECT setl_id, psn_no, batch_id, admdvs, insutype, med_type, status, reason, medfee_sumamt,
                         fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
                         {Calculated("act_pay_dedc")}, {Calculated("hifp_pay")}, {Calculated("pool_prop_bp")},
                         {Calculated("hifmi_pay")}, {Calculated("hifob_pay")}, {Calculated("maf_pay")},
                         {Calculated("maf_tilted_pay")}, {Calculated("fund_pay_sumamt")}, {Calculated("psn_part_amt")},
                         {Calculated("assumed_params")}
                  FROM settlement_result r WHERE batch_id = {Lit(batchId)}
                    AND NOT EXISTS (SELECT 1 FROM result_superseded x WHERE x.superseded_claim_seq = r.claim_seq)
                  ORDER BY setl_id COLLATE "C")
            TO STDOUT (FORMAT BINARY)
            """, ct);
        await using var w = new AtomicCsv(path, excelFriendly);
        await w.WriteLineAsync(ResultsHeader);
        int n = 0;
        var sb = new StringBuilder(256);
        while (await exp.StartRowAsync(ct) >= 0)
        {
            sb.Clear();
            for (int i = 0; i < 8; i++)
            {
                string? v = await Text(exp, ct);
                if (i < 6) AppendIdCell(sb, v, i == 0); else AppendTextCell(sb, v, false);
            }
            // Input amounts as given (null when the loader could not read them).
            for (int i = 0; i < 5; i++) AppendCell(sb, Money(await Long(exp, ct)), false);
            // Calculated columns: null (empty cell) on a quarantined row, which was not settled (CONTRACT.md Output 1).
            AppendCell(sb, Money(await Long(exp, ct)), false); // act_pay_dedc
            AppendCell(sb, Money(await Long(exp, ct)), false); // hifp_pay
            AppendCell(sb, await Int(exp, ct) is { } bp ? FenMath.FormatRatio(bp) : null, false);
            for (int i = 0; i < 6; i++) AppendCell(sb, Money(await Long(exp, ct)), false); // hifmi .. psn_part_amt
            AppendCell(sb, await Bool(exp, ct) is { } assumed ? (assumed ? "true" : "false") : null, false);
            await w.WriteLineAsync(sb.ToString());
            n++;
        }
        await w.CommitAsync();
        return n;
    }

    public async Task<int> ExportLedgerAsync(string batchId, string path, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var exp = await conn.BeginBinaryExportAsync(
            $"""
            COPY (SELECT entry_id, setl_id, run_id, posted_at, account, fund_pay_type, fixmedins_code, debit, credit
                  FROM ledger_line WHERE batch_id = {Lit(batchId)} ORDER BY entry_id, line_no)
            TO STDOUT (FORMAT BINARY)
            """, ct);
        await using var w = new AtomicCsv(path, excelFriendly);
        await w.WriteLineAsync(LedgerHeader);
        int n = 0;
        var sb = new StringBuilder(200);
        var ic = CultureInfo.InvariantCulture;
        while (await exp.StartRowAsync(ct) >= 0)
        {
            sb.Clear();
            AppendIdCell(sb, (await exp.ReadAsync<long>(NpgsqlDbType.Bigint, ct)).ToString(ic), true);
            AppendIdCell(sb, await Text(exp, ct), false);
            AppendCell(sb, (await exp.ReadAsync<long>(NpgsqlDbType.Bigint, ct)).ToString(ic), false);
            var posted = await exp.ReadAsync<DateTime>(NpgsqlDbType.TimestampTz, ct);
            AppendCell(sb, posted.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", ic), false);
            AppendTextCell(sb, await Text(exp, ct), false);
            AppendIdCell(sb, await Text(exp, ct), false);
            AppendIdCell(sb, await Text(exp, ct), false);
            AppendCell(sb, FenMath.FormatYuan(await exp.ReadAsync<long>(NpgsqlDbType.Bigint, ct)), false);
            AppendCell(sb, FenMath.FormatYuan(await exp.ReadAsync<long>(NpgsqlDbType.Bigint, ct)), false);
            await w.WriteLineAsync(sb.ToString());
            n++;
        }
        await w.CommitAsync();
        return n;
    }

    public async Task<int> ExportAlertsAsync(string batchId, string path, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var exp = await conn.BeginBinaryExportAsync(
            $"""
            COPY (SELECT a.psn_no, a.year, a.threshold, a.ytd_personal_burden, a.triggered_by_setl_id
                  FROM alert a JOIN run r ON r.run_id = a.run_id
                  WHERE r.batch_id = {Lit(batchId)} ORDER BY a.psn_no COLLATE "C", a.year, a.threshold)
            TO STDOUT (FORMAT BINARY)
            """, ct);
        await using var w = new AtomicCsv(path, excelFriendly);
        await w.WriteLineAsync(AlertsHeader);
        int n = 0;
        var sb = new StringBuilder(128);
        var ic = CultureInfo.InvariantCulture;
        while (await exp.StartRowAsync(ct) >= 0)
        {
            sb.Clear();
            AppendIdCell(sb, await exp.ReadAsync<string>(NpgsqlDbType.Text, ct), true);
            AppendCell(sb, (await exp.ReadAsync<int>(NpgsqlDbType.Integer, ct)).ToString(ic), false);
            AppendCell(sb, FenMath.FormatYuan(await exp.ReadAsync<long>(NpgsqlDbType.Bigint, ct)), false);
            AppendCell(sb, FenMath.FormatYuan(await exp.ReadAsync<long>(NpgsqlDbType.Bigint, ct)), false);
            AppendIdCell(sb, await exp.ReadAsync<string>(NpgsqlDbType.Text, ct), false);
            await w.WriteLineAsync(sb.ToString());
            n++;
        }
        await w.CommitAsync();
        return n;
    }

    /// <summary>
    /// A CSV written to a temporary file next to the target and renamed over it only when complete: an export that
    /// fails (or is interrupted) leaves the previous file as it was, never an empty or half file.
    /// </summary>
    private sealed class AtomicCsv : IAsyncDisposable
    {
        private readonly string _path;
        private readonly string _tmp;
        private readonly StreamWriter _w;
        private bool _done;

        public AtomicCsv(string path, bool bom)
        {
            _path = Path.GetFullPath(path);
            string? dir = Path.GetDirectoryName(_path);
            if (dir is not null) Directory.CreateDirectory(dir);
            _tmp = Path.Combine(dir ?? ".", $".{Path.GetFileName(_path)}.{Environment.ProcessId}.tmp");
            _w = new StreamWriter(_tmp, append: false, new UTF8Encoding(bom)) { NewLine = "\n" };
        }

        public Task WriteLineAsync(string line) => _w.WriteLineAsync(line);

        public async Task CommitAsync()
        {
            await _w.FlushAsync();
            await _w.DisposeAsync();
            File.Move(_tmp, _path, overwrite: true);
            _done = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (_done) return;
            await _w.DisposeAsync();
            try { File.Delete(_tmp); } catch (IOException) { }
        }
    }

    /// <summary>
    /// An id or code cell: formula-escaped text as the contract's CSV, or protected as ="…" in the Excel-friendly variant
    /// (Excel then keeps every digit of a 22-digit setl_id instead of reading it as a number).
    /// </summary>
    private void AppendIdCell(StringBuilder sb, string? v, bool first)
    {
        if (excelFriendly && !string.IsNullOrEmpty(v)) AppendCell(sb, "=\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", first);
        else AppendTextCell(sb, v, first);
    }

    /// <summary>A calculated column of settlement_result, null on a quarantined row.</summary>
    private static string Calculated(string column) => $"CASE WHEN status = 'quarantined' THEN NULL ELSE {column} END";

    private static string? Money(long? fen) => fen is { } f ? FenMath.FormatYuan(f) : null;

    private static async ValueTask<string?> Text(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<string>(NpgsqlDbType.Text, ct);
    }

    private static async ValueTask<int?> Int(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<int>(NpgsqlDbType.Integer, ct);
    }

    private static async ValueTask<bool?> Bool(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct);
    }

    private static async ValueTask<long?> Long(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<long>(NpgsqlDbType.Bigint, ct);
    }

    /// <summary>
    /// Appends a text cell safe to open in a spreadsheet (OWASP CSV injection): a value starting with = + - @, a tab
    /// or a carriage return is prefixed with a single quote and quoted, so Excel or LibreOffice show it as text instead
    /// of evaluating it. Only text columns go through here; money and counts (CONTRACT.md: numbers, which may be
    /// negative on reversals) are written as they are.
    /// </summary>
    public static void AppendTextCell(StringBuilder sb, string? v, bool first)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (!string.IsNullOrEmpty(v) && v[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            if (!first) sb.Append(',');
            sb.Append("\"'").Append(v.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            return;
        }
        AppendCell(sb, v, first);
    }

    /// <summary>Appends a CSV cell, quoting when it holds a comma, quote or line break.</summary>
    public static void AppendCell(StringBuilder sb, string? v, bool first)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (!first) sb.Append(',');
        if (string.IsNullOrEmpty(v)) return;
        if (v.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            sb.Append(v);
            return;
        }
        sb.Append('"').Append(v.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
