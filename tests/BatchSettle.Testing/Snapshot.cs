using Npgsql;

namespace BatchSettle.Testing;

/// <summary>
/// What a run leaves behind, as text rows in a fixed order: every settlement result, every ledger line and every
/// accumulator, without the columns that name the run or the wall-clock time of posting.
/// </summary>
public sealed record Snapshot(IReadOnlyList<string> Results, IReadOnlyList<string> Ledger, IReadOnlyList<string> Accumulators)
{
    public static Snapshot Empty { get; } = new([], [], []);

    public static async Task<Snapshot> TakeAsync(string connectionString)
    {
        await using var ds = NpgsqlDataSource.Create(connectionString);
        return new Snapshot(
            await RowsAsync(ds, """
                SELECT concat_ws('|', setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, year, status,
                       reason, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
                       act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay,
                       fund_pay_sumamt, psn_part_amt, assumed_params, reversal_of, alert_threshold, acc_delta::text, trace)
                FROM settlement_result ORDER BY setl_id
                """),
            await RowsAsync(ds, """
                SELECT concat_ws('|', entry_id, line_no, setl_id, batch_id, kind, account, fund_pay_type, fixmedins_code,
                       debit, credit)
                FROM ledger_line ORDER BY entry_id, line_no
                """),
            await RowsAsync(ds, "SELECT concat_ws('|', psn_no, year, insutype, acc::text) FROM accumulator ORDER BY psn_no, year, insutype"));
    }

    private static async Task<IReadOnlyList<string>> RowsAsync(NpgsqlDataSource ds, string sql)
    {
        var rows = new List<string>();
        await using var cmd = ds.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    /// <summary>Empty when identical; otherwise where the first difference is, for the assertion message.</summary>
    public string DiffFrom(Snapshot expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        return Diff("settlement_result", expected.Results, Results)
               + Diff("ledger_line", expected.Ledger, Ledger)
               + Diff("accumulator", expected.Accumulators, Accumulators);
    }

    private static string Diff(string table, IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            var e = i < expected.Count ? expected[i] : "<none>";
            var a = i < actual.Count ? actual[i] : "<none>";
            if (e != a)
            {
                return $"{table}: {actual.Count} rows vs {expected.Count} expected; first difference at row {i}:\n  expected {e}\n  actual   {a}\n";
            }
        }

        return "";
    }
}
