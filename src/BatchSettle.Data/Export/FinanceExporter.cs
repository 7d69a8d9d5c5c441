using System.Globalization;
using BatchSettle.Core.Money;
using BatchSettle.Data.Finance;
using Npgsql;

namespace BatchSettle.Data.Export;

/// <summary>
/// XLSX exports finance can open (issue 14 item 5): results, sub-ledger, vouchers, statements, outstanding and the fund
/// book reports. Every export streams rows from the database into <see cref="XlsxWriter"/>: memory does not grow with
/// the row count. A failed export leaves no file behind.
/// </summary>
public sealed class FinanceExporter(NpgsqlDataSource dataSource)
{
    public static string RegionName(string admdvs) => admdvs switch
    {
        "210500" => "本溪市 (210500)",
        "210800" => "营口市 (210800)",
        _ => admdvs,
    };

    /// <summary>The results sheet's columns (CONTRACT.md Output 1; the benchmark writes the same sheet).</summary>
    internal static readonly XlsxColumn[] ResultColumns =
    [
        new("结算ID", "setl_id", XlsxKind.Id), new("人员编号", "psn_no", XlsxKind.Id), new("批次号", "batch_id", XlsxKind.Id),
        new("医保区划", "admdvs", XlsxKind.Id), new("险种类型", "insutype", XlsxKind.Id), new("医疗类别", "med_type", XlsxKind.Id),
        new("定点医药机构编号", "fixmedins_code", XlsxKind.Id), new("状态", "status", XlsxKind.Text), new("原因", "reason", XlsxKind.Text),
        new("医疗费总额", "medfee_sumamt", XlsxKind.Money), new("全自费金额", "fulamt_ownpay_amt", XlsxKind.Money),
        new("超限价自费费用", "overlmt_selfpay", XlsxKind.Money), new("先行自付金额", "preselfpay_amt", XlsxKind.Money),
        new("符合政策范围金额", "inscp_scp_amt", XlsxKind.Money), new("实际支付起付线", "act_pay_dedc", XlsxKind.Money),
        new("基本医疗保险统筹基金支出", "hifp_pay", XlsxKind.Money), new("统筹基金支付比例", "pool_prop_selfpay", XlsxKind.Text),
        new("居民大病保险资金支出", "hifmi_pay", XlsxKind.Money), new("职工大额医疗费用补助基金支出", "hifob_pay", XlsxKind.Money),
        new("医疗救助基金支出", "maf_pay", XlsxKind.Money), new("其中倾斜救助", "maf_tilted_pay", XlsxKind.Money),
        new("基金支付总额", "fund_pay_sumamt", XlsxKind.Money), new("个人负担总金额", "psn_part_amt", XlsxKind.Money),
        new("使用假设参数", "assumed_params", XlsxKind.Text),
    ];

    /// <summary>A batch's results (CONTRACT.md Output 1 columns), one row per claim, with totals.</summary>
    public async Task<long> ResultsAsync(string batchId, string path, CancellationToken ct = default)
    {
        const string Sql =
            """
            SELECT setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, status, reason, medfee_sumamt, fulamt_ownpay_amt,
                   overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
                   CASE WHEN status = 'quarantined' THEN NULL ELSE act_pay_dedc END, CASE WHEN status = 'quarantined' THEN NULL ELSE hifp_pay END,
                   CASE WHEN status = 'quarantined' THEN NULL ELSE pool_prop_bp END, CASE WHEN status = 'quarantined' THEN NULL ELSE hifmi_pay END,
                   CASE WHEN status = 'quarantined' THEN NULL ELSE hifob_pay END, CASE WHEN status = 'quarantined' THEN NULL ELSE maf_pay END,
                   CASE WHEN status = 'quarantined' THEN NULL ELSE maf_tilted_pay END, CASE WHEN status = 'quarantined' THEN NULL ELSE fund_pay_sumamt END,
                   CASE WHEN status = 'quarantined' THEN NULL ELSE psn_part_amt END, CASE WHEN status = 'quarantined' THEN NULL ELSE assumed_params END
            FROM settlement_result WHERE batch_id = @batchId ORDER BY setl_id COLLATE "C"
            """;
        string admdvs = batchId.Length >= 6 ? batchId[..6] : batchId;
        return await ExportAsync(path, "结算结果", ["医保结算结果明细", $"编制单位：{RegionName(admdvs)}", $"批次：{batchId}", "单位：元"],
            ResultColumns, Sql, new { batchId }, r =>
            {
                var v = new object?[ResultColumns.Length];
                for (int i = 0; i < ResultColumns.Length; i++)
                {
                    if (r.IsDBNull(i)) continue;
                    v[i] = ResultColumns[i].Field switch
                    {
                        "pool_prop_selfpay" => FenMath.FormatRatio(r.GetInt32(i)),
                        "assumed_params" => r.GetBoolean(i) ? "true" : "false",
                        _ when ResultColumns[i].Kind == XlsxKind.Money => r.GetInt64(i),
                        _ => r.GetString(i),
                    };
                }
                return v;
            }, ct);
    }

    private static readonly XlsxColumn[] s_subLedger =
    [
        new("分录号", "entry_id", XlsxKind.Id), new("行号", "line_no", XlsxKind.Count), new("结算ID", "setl_id", XlsxKind.Id),
        new("会计期间", "period", XlsxKind.Text), new("清算年月", "clearing_month", XlsxKind.Text), new("结算日期", "setl_date", XlsxKind.Text),
        new("类型", "kind", XlsxKind.Text), new("子账科目", "account", XlsxKind.Text), new("科目说明", "", XlsxKind.Text),
        new("基金支付类型", "fund_pay_type", XlsxKind.Id), new("定点医药机构编号", "fixmedins_code", XlsxKind.Id), new("基金账套", "", XlsxKind.Id),
        new("借方", "debit", XlsxKind.Money), new("贷方", "credit", XlsxKind.Money),
    ];

    /// <summary>The settlement sub-ledger of a region and period (结算子账, accrual; not a fund book).</summary>
    public Task<long> SubLedgerAsync(string admdvs, string period, string path, CancellationToken ct = default) =>
        ExportAsync(path, "结算子账", ["结算子账（已结算待遇，权责发生）", $"编制单位：{RegionName(admdvs)}", $"会计期间：{period}", "单位：元"], s_subLedger,
            """
            SELECT entry_id::text, line_no::bigint, setl_id, period, clearing_month, to_char(setl_date, 'YYYY-MM-DD'), kind, account, account_label,
                   fund_pay_type, fixmedins_code, book_code, debit, credit
            FROM settlement_subledger WHERE admdvs = @admdvs AND period = @period ORDER BY entry_id, line_no
            """, new { admdvs, period }, Generic(s_subLedger), ct);

    private static readonly XlsxColumn[] s_vouchers =
    [
        new("凭证ID", "voucher_id", XlsxKind.Id), new("基金账套", "book_code", XlsxKind.Id), new("凭证号", "voucher_no", XlsxKind.Count),
        new("日期", "voucher_date", XlsxKind.Text), new("类型", "kind", XlsxKind.Text), new("摘要", "summary", XlsxKind.Text),
        new("更正凭证", "corrects_voucher_id", XlsxKind.Id), new("科目编码", "account_code", XlsxKind.Id), new("科目名称", "", XlsxKind.Text),
        new("往来单位", "counterparty", XlsxKind.Id), new("借方金额", "debit", XlsxKind.Money), new("贷方金额", "credit", XlsxKind.Money),
    ];

    /// <summary>A region's vouchers of a period, one row per line.</summary>
    public Task<long> VouchersAsync(string admdvs, string period, string path, CancellationToken ct = default) =>
        ExportAsync(path, "记账凭证", ["记账凭证", $"编制单位：{RegionName(admdvs)}", $"会计期间：{period}", "单位：元"], s_vouchers,
            """
            SELECT v.voucher_id::text, v.book_code, v.voucher_no::bigint, to_char(v.voucher_date, 'YYYY-MM-DD'), v.kind, v.summary,
                   v.corrects_voucher_id::text, l.account_code, c.name_zh, l.counterparty, l.debit, l.credit
            FROM voucher v JOIN voucher_line l ON l.voucher_id = v.voucher_id
            LEFT JOIN account_chart c ON c.code = l.account_code AND c.effective_from <= v.voucher_date AND (c.effective_to IS NULL OR c.effective_to >= v.voucher_date)
            WHERE v.admdvs = @admdvs AND v.period = @period ORDER BY v.book_code, v.voucher_no, l.line_no
            """, new { admdvs, period }, Generic(s_vouchers), ct);

    private static readonly XlsxColumn[] s_statements =
    [
        new("定点医药机构编号", "fixmedins_code", XlsxKind.Id), new("基金支付类型", "fund_pay_type", XlsxKind.Id), new("清算类别", "med_group", XlsxKind.Text),
        new("结算笔数", "claims", XlsxKind.Count), new("冲销笔数", "reversals", XlsxKind.Count), new("医疗费总额", "medfee_sumamt", XlsxKind.Money),
        new("基金申报总额", "fund_amount", XlsxKind.Money), new("其中冲销", "reversal_amount", XlsxKind.Money), new("个人负担", "psn_part_amt", XlsxKind.Money),
        new("拒付笔数", "refused_claims", XlsxKind.Count), new("拒付医疗费", "refused_amount", XlsxKind.Money),
        new("暂挂笔数", "quarantined_claims", XlsxKind.Count), new("暂挂医疗费", "quarantined_amount", XlsxKind.Money),
        new("质量保证金比例(万分比)", "deposit_bp", XlsxKind.Count), new("预留质量保证金", "dpst_sumamt", XlsxKind.Money),
        new("预付金冲抵", "advance_offset", XlsxKind.Money), new("应拨付金额", "net_to_pay", XlsxKind.Money),
    ];

    /// <summary>The monthly settlement statements (定点医疗机构月度结算单) of a region and clearing month.</summary>
    public async Task<long> StatementsAsync(string admdvs, string month, string path, string? facility = null, CancellationToken ct = default)
    {
        var lines = (await Statements.ForPeriodAsync(dataSource, admdvs, month, ct)).Where(s => facility is null || s.Facility == facility).ToList();
        return Write(path, "月度结算单", ["定点医疗机构月度结算单", $"编制单位：{RegionName(admdvs)}", $"清算年月：{month}", "单位：元"], s_statements,
            lines.Select(s => new object?[] { s.Facility, s.FundPayType, s.MedGroup, s.Claims, s.Reversals, s.MedfeeSumamt, s.FundAmount, s.ReversalAmount,
                s.PsnPartAmt, s.RefusedClaims, s.RefusedAmount, s.QuarantinedClaims, s.QuarantinedAmount, (long)s.DepositBp, s.Deposit, s.AdvanceOffset, s.NetToPay }));
    }

    /// <summary>
    /// The statements as CSV for a spreadsheet: UTF-8 with a BOM, headers <c>中文 (national_field)</c>, text cells
    /// formula-safe (<see cref="BatchExporter.AppendTextCell"/>), money in yuan with two decimals. Written to a temporary
    /// file and renamed, like every export.
    /// </summary>
    public async Task<long> StatementsCsvAsync(string admdvs, string month, string path, CancellationToken ct = default)
    {
        var lines = await Statements.ForPeriodAsync(dataSource, admdvs, month, ct);
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < s_statements.Length; i++) BatchExporter.AppendTextCell(sb, s_statements[i].Header, i == 0);
        sb.Append("\r\n");
        foreach (var s in lines)
        {
            string[] texts = [s.Facility, s.FundPayType, s.MedGroup];
            for (int i = 0; i < texts.Length; i++) BatchExporter.AppendTextCell(sb, texts[i], i == 0);
            foreach (long v in new[] { s.Claims, s.Reversals })
                sb.Append(',').Append(v.ToString(CultureInfo.InvariantCulture));
            foreach (long v in new[] { s.MedfeeSumamt, s.FundAmount, s.ReversalAmount, s.PsnPartAmt })
                sb.Append(',').Append(FenMath.FormatYuan(v));
            sb.Append(',').Append(s.RefusedClaims.ToString(CultureInfo.InvariantCulture)).Append(',').Append(FenMath.FormatYuan(s.RefusedAmount));
            sb.Append(',').Append(s.QuarantinedClaims.ToString(CultureInfo.InvariantCulture)).Append(',').Append(FenMath.FormatYuan(s.QuarantinedAmount));
            sb.Append(',').Append(s.DepositBp.ToString(CultureInfo.InvariantCulture));
            foreach (long v in new[] { s.Deposit, s.AdvanceOffset, s.NetToPay })
                sb.Append(',').Append(FenMath.FormatYuan(v));
            sb.Append("\r\n");
        }
        string tmp = path + ".tmp";
        await File.WriteAllTextAsync(tmp, sb.ToString(), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true), ct);
        File.Move(tmp, path, overwrite: true);
        return lines.Count;
    }

    private static readonly XlsxColumn[] s_outstanding =
    [
        new("定点医药机构编号", "fixmedins_code", XlsxKind.Id), new("基金支付类型", "fund_pay_type", XlsxKind.Id), new("清算年月", "clearing_month", XlsxKind.Text),
        new("应拨付（结算）", "owed", XlsxKind.Money), new("已清算", "cleared", XlsxKind.Money), new("未拨付余额", "outstanding", XlsxKind.Money),
        new("其中未清算保证金", "deposit", XlsxKind.Money), new("当前应付", "due_now", XlsxKind.Money), new("账龄（天）", "age_days", XlsxKind.Text),
    ];

    public async Task<long> OutstandingAsync(string admdvs, DateOnly asOf, string path, CancellationToken ct = default)
    {
        var lines = await new Clearing(dataSource, TimeProvider.System).OutstandingAsync(admdvs, asOf, null, ct);
        return Write(path, "未拨付结算款", ["定点医疗机构未拨付结算款（账龄）", $"编制单位：{RegionName(admdvs)}", $"截至：{asOf:yyyy-MM-dd}", "单位：元"], s_outstanding,
            lines.Select(l => new object?[] { l.Facility, l.FundPayType, l.ClearingMonth, l.Owed, l.Cleared, l.Outstanding, l.DepositUndecided, l.DueNow,
                l.AgeDays.ToString(CultureInfo.InvariantCulture) }));
    }

    private static readonly XlsxColumn[] s_trial =
    [
        new("科目编码", "code", XlsxKind.Id), new("科目名称", "name", XlsxKind.Text), new("余额方向", "side", XlsxKind.Text),
        new("期初余额", "opening", XlsxKind.Money), new("本期借方发生额", "debits", XlsxKind.Money), new("本期贷方发生额", "credits", XlsxKind.Money),
        new("本年累计借方", "year_debits", XlsxKind.Money), new("本年累计贷方", "year_credits", XlsxKind.Money), new("期末余额", "closing", XlsxKind.Money),
    ];

    /// <summary>科目余额表 of a fund book and period (明细 rows indented; the totals row sums the leaf accounts).</summary>
    public static long TrialBalance(TrialBalance tb, string path)
    {
        ArgumentNullException.ThrowIfNull(tb);
        var leaves = tb.Lines.Where(l => l.Level == 2 || !tb.Lines.Any(c => c.Level == 2 && c.Code.StartsWith(l.Code, StringComparison.Ordinal))).ToHashSet();
        long n = 0;
        Guarded(path, () =>
        {
            using var x = XlsxWriter.Create(path, "科目余额表");
            x.Title("科目余额表", $"编制单位：{RegionName(tb.Admdvs)}", $"险种：{tb.BookName}", $"会计期间：{tb.Period}", "单位：元");
            x.Header(s_trial);
            foreach (var l in tb.Lines)
            {
                // Parent rows are shown but not summed twice: only leaves feed the totals.
                if (leaves.Contains(l)) x.Row([l.Code, l.NameZh, l.NormalSide == "D" ? "借" : "贷", l.Opening, l.Debits, l.Credits, l.YearDebits, l.YearCredits, l.Closing]);
                else x.Row([l.Code, l.NameZh, l.NormalSide == "D" ? "借" : "贷", null, null, null, null, null, null]);
            }
            x.Totals();
            x.Complete();
            n = x.Rows;
        });
        return n;
    }

    /// <summary>会社保01表 / 02表 in the national layout.</summary>
    public static long Report(FundReport r, string path)
    {
        ArgumentNullException.ThrowIfNull(r);
        var cols = new List<XlsxColumn> { new("项目", "", XlsxKind.Text), new("科目编码", "", XlsxKind.Id), new(r.CurrentHeader, "", XlsxKind.Text), new(r.ComparisonHeader, "", XlsxKind.Text) };
        if (r.HasPriorMonth) cols.Add(new("上月数（环比）", "", XlsxKind.Text));
        if (r.HasPriorYear) cols.Add(new("上年同期累计（同比）", "", XlsxKind.Text));
        // Money cells are numeric; the kinds above only steer the header and totals (a report has its own total lines).
        var kinds = cols.Select((c, i) => i >= 2 ? c with { Kind = XlsxKind.Money } : c).ToList();
        long n = 0;
        Guarded(path, () =>
        {
            using var x = XlsxWriter.Create(path, r.FormNo);
            x.Title(r.Title, r.FormNo, $"编制单位：{RegionName(r.Admdvs)}", $"险种：{r.BookName}", $"期间：{r.Period}", "单位：元");
            x.Header(kinds);
            foreach (var l in r.Lines)
            {
                var row = new List<object?> { l.Label, l.Code, l.Current, l.Comparison };
                if (r.HasPriorMonth) row.Add(l.PriorMonth);
                if (r.HasPriorYear) row.Add(l.PriorYear);
                x.Row(row);
            }
            x.Complete();
            n = x.Rows;
        });
        return n;
    }

    private static Func<NpgsqlDataReader, object?[]> Generic(XlsxColumn[] cols) => r =>
    {
        var v = new object?[cols.Length];
        for (int i = 0; i < cols.Length; i++)
        {
            if (r.IsDBNull(i)) continue;
            v[i] = cols[i].Kind is XlsxKind.Money or XlsxKind.Count ? r.GetInt64(i) : r.GetString(i);
        }
        return v;
    };

    private async Task<long> ExportAsync(string path, string sheet, string[] title, XlsxColumn[] cols, string sql, object args,
        Func<NpgsqlDataReader, object?[]> row, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var p in args.GetType().GetProperties()) cmd.Parameters.AddWithValue(p.Name, p.GetValue(args) ?? DBNull.Value);
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
            using var x = XlsxWriter.Create(path, sheet);
            x.Title(title);
            x.Header(cols);
            while (await reader.ReadAsync(ct)) x.Row(row(reader));
            x.Totals();
            x.Complete();
            return x.Rows;
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    private static long Write(string path, string sheet, string[] title, XlsxColumn[] cols, IEnumerable<object?[]> rows)
    {
        long n = 0;
        Guarded(path, () =>
        {
            using var x = XlsxWriter.Create(path, sheet);
            x.Title(title);
            x.Header(cols);
            foreach (var r in rows) x.Row(r);
            x.Totals();
            x.Complete();
            n = x.Rows;
        });
        return n;
    }

    private static void Guarded(string path, Action write)
    {
        try
        {
            write();
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
