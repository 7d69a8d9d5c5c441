using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Export;

/// <summary>One CI-06 zero-claim reset (or the reversal that undid one), for the registry.</summary>
/// <param name="Year">The insurance year whose 大病 payment used incentive cap; the registry resets the banked
/// zero-claim years counted into the following year (docs/INTERPRETATIONS.md §7 CI-06).</param>
/// <param name="SetlId">The settled claim that triggered it (for an undo: the reversal).</param>
/// <param name="Date">That claim's settlement date (enddate).</param>
/// <param name="Action"><c>reset</c>, or <c>undo</c> when a reversal rolled a reset back.</param>
public sealed record ZeroClaimReset(string PsnNo, int Year, string Insutype, string SetlId, DateOnly Date, string Action, long RunId);

/// <summary>
/// The CI-06 zero-claim reset list (CI-06: "once a 大病 payment uses any of the incentive amount, the accumulated
/// zero-claim incentive is reset to 0"): the settled results whose accumulator delta sets slot
/// zero_claim_incentive_reset (+1), and reversals that roll it back (−1), per run or per batch, as CSV the registry can
/// apply: <c>psn_no,year,insutype,setl_id,date,action</c>, ordered by person, date and setl_id.
/// </summary>
public sealed class ZeroClaimResetExport(NpgsqlDataSource dataSource)
{
    public const string Header = "psn_no,year,insutype,setl_id,date,action";

    /// <summary>The resets of one batch (every run of it) or of one run; exactly one of the two is given.</summary>
    public async Task<List<ZeroClaimReset>> ListAsync(string? batchId, long? runId, CancellationToken ct = default)
    {
        if ((batchId is null) == (runId is null)) throw new ArgumentException("give a batch id or a run id");
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (runId is { } id && !await conn.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM run WHERE run_id = @id)", new { id }, cancellationToken: ct)))
        {
            throw new InvalidOperationException($"no run {id}");
        }
        string where = batchId is not null ? "r.batch_id = @batchId" : "r.run_id = @runId";
        return (await conn.QueryAsync<ZeroClaimReset>(new CommandDefinition(
            $"""
            SELECT r.psn_no AS PsnNo, r.year AS Year, r.insutype AS Insutype, r.setl_id AS SetlId, c.enddate AS Date,
                   CASE WHEN r.d = 1 THEN 'reset' ELSE 'undo' END AS Action, r.run_id AS RunId
            FROM (SELECT r.claim_seq, r.psn_no, r.year, r.insutype, r.setl_id, r.run_id,
                         r.acc_delta[(SELECT idx + 1 FROM accumulator_slot WHERE name = 'zero_claim_incentive_reset')] AS d
                  FROM settlement_result r WHERE {where} AND r.status = 'settled') r
            JOIN staging_claim c ON c.claim_seq = r.claim_seq
            WHERE r.d IN (1, -1)
            ORDER BY r.psn_no COLLATE "C", c.enddate, r.setl_id COLLATE "C"
            """, new { batchId, runId }, commandTimeout: 0, cancellationToken: ct))).ToList();
    }

    /// <summary>How many results the batch has (0: not run, or not a claim batch).</summary>
    public static async Task<int> ResultCountAsync(NpgsqlDataSource dataSource, string batchId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*)::int FROM (SELECT 1 FROM settlement_result WHERE batch_id = @batchId LIMIT 1) t",
            new { batchId }, cancellationToken: ct));
    }

    /// <summary>Writes <paramref name="rows"/> as CSV (UTF-8, \n, dates YYYY-MM-DD).</summary>
    public static async Task WriteCsvAsync(string path, IEnumerable<ZeroClaimReset> rows, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        await using var w = new StreamWriter(path, append: false, new UTF8Encoding(false)) { NewLine = "\n" };
        await w.WriteLineAsync(Header.AsMemory(), ct);
        var sb = new StringBuilder(96);
        var ic = CultureInfo.InvariantCulture;
        foreach (var r in rows)
        {
            sb.Clear();
            BatchExporter.AppendCell(sb, r.PsnNo, true);
            BatchExporter.AppendCell(sb, r.Year.ToString(ic), false);
            BatchExporter.AppendCell(sb, r.Insutype, false);
            BatchExporter.AppendCell(sb, r.SetlId, false);
            BatchExporter.AppendCell(sb, r.Date.ToString("yyyy-MM-dd", ic), false);
            BatchExporter.AppendCell(sb, r.Action, false);
            await w.WriteLineAsync(sb.ToString().AsMemory(), ct);
        }
    }
}
