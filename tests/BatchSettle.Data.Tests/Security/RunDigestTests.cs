using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Security;

/// <summary>
/// The run seal's digest version 1 in parts (migration 094, <see cref="RunDigest"/>): whatever the number of parts, the
/// same bytes as migration 052's one-statement digest — so the seals written before 094 still verify — over a run with
/// several 4,096-claim blocks and a load-rejected row (negative claim_seq, its own block below zero). Runs are sealed
/// with version 2 since migration 096 (<see cref="RowDigestTests"/>); version 1 stays for the seals written before and
/// for a run begun before 096.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RunDigestTests(PostgresFixture pg)
{
    /// <summary>run_digest exactly as migration 052 defined it, inlined (094 replaced the function).</summary>
    private const string Digest052 =
        """
        WITH rb AS (
            SELECT claim_seq >> 12 AS blk, count(*) AS n,
                   sha256(convert_to(string_agg(concat_ws('|', claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type,
                       fixmedins_code, year, status, reason, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt,
                       inscp_scp_amt, act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay, maf_tilted_pay,
                       fund_pay_sumamt, psn_part_amt, assumed_params, reversal_of, alert_threshold, acc_delta::text, md5(trace), run_id),
                       E'\n' ORDER BY claim_seq), 'UTF8')) AS d
            FROM settlement_result WHERE run_id = @r GROUP BY 1),
        lb AS (
            SELECT entry_id >> 12 AS blk, count(*) AS n,
                   sha256(convert_to(string_agg(concat_ws('|', entry_id, line_no, setl_id, run_id, batch_id, kind, account,
                       fund_pay_type, fixmedins_code, debit, credit), E'\n' ORDER BY entry_id, line_no), 'UTF8')) AS d
            FROM ledger_line WHERE run_id = @r GROUP BY 1)
        SELECT (SELECT COALESCE(sum(n), 0)::bigint FROM rb),
               (SELECT COALESCE(sum(n), 0)::bigint FROM lb),
               sha256(COALESCE((SELECT string_agg(d, ''::bytea ORDER BY blk) FROM rb), ''::bytea) || '\x00'::bytea
                      || COALESCE((SELECT string_agg(d, ''::bytea ORDER BY blk) FROM lb), ''::bytea))
        """;

    [Fact]
    public async Task DigestInParts_EqualsThe052Digest_ForAnyNumberOfParts_AndTheSealVerifies()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(5_000);
        File.AppendAllText(claims, TestData.Claim("BADDATE", "P0001", "2025-02-30", 100m) + "\n");
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var run = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.True(run.Succeeded, run.Format());

        await using var c = await ds.OpenConnectionAsync();
        var (blocks, minSeq) = await c.QuerySingleAsync<(long, long)>(
            "SELECT count(DISTINCT claim_seq >> 12), min(claim_seq) FROM settlement_result WHERE run_id = @r", new { r = run.RunId });
        Assert.True(blocks >= 3, $"only {blocks} blocks: the parts would not be exercised");
        Assert.True(minSeq < 0, "no load-rejected row (negative claim_seq) in the run");

        var old = await c.QuerySingleAsync<(long Results, long LedgerLines, byte[] Digest)>(Digest052, new { r = run.RunId });
        Assert.True(old.Results > 10_000 && old.LedgerLines > old.Results, $"{old.Results} results, {old.LedgerLines} ledger lines");
        var now = await c.QuerySingleAsync<(long Results, long LedgerLines, byte[] Digest)>(
            "SELECT results, ledger_lines, digest FROM run_digest(@r)", new { r = run.RunId });
        Assert.Equal(old, now, Comparer);
        foreach (int parts in (int[])[1, 2, 3, 4])
        {
            var inParts = await RunDigest.ComputeAsync(ds, run.RunId, parts);
            Assert.Equal(old, inParts, Comparer);
        }
        // The run itself sealed with version 2; a partition without the version-2 sums (begun before migration 096)
        // makes the seal fall back to version 1, the digest above.
        var sealedDigest = await c.QuerySingleAsync<byte[]>("SELECT digest FROM run_seal WHERE run_id = @r", new { r = run.RunId });
        Assert.True(RowDigest.IsVersion2(sealedDigest));
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
        await c.ExecuteAsync("UPDATE run_partition SET seal_results_sum = NULL WHERE run_id = @r AND part_no = 0", new { r = run.RunId });
        Assert.Equal(old, await RunSealDigest.ForSealAsync(ds, run.RunId), Comparer);

        // A seal written before 096 (version 1) still verifies: the seal row rewritten as the old runner wrote it.
        await RowDigestTests.ResealAsync(c, run.RunId, old);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);

        // And it still tells an edit: one ledger line's amount moved, the digest in parts differs.
        await c.ExecuteAsync(
            """
            ALTER TABLE ledger_line DISABLE TRIGGER USER;
            UPDATE ledger_line SET debit = debit + 1 WHERE (entry_id, line_no) = (SELECT entry_id, line_no FROM ledger_line WHERE run_id = @r AND debit > 0 ORDER BY entry_id DESC LIMIT 1);
            ALTER TABLE ledger_line ENABLE TRIGGER USER;
            """, new { r = run.RunId });
        Assert.NotEqual(old.Digest, (await RunDigest.ComputeAsync(ds, run.RunId, 2)).Digest);
    }

    private static readonly IEqualityComparer<(long Results, long LedgerLines, byte[] Digest)> Comparer =
        EqualityComparer<(long Results, long LedgerLines, byte[] Digest)>.Create(
            (a, b) => a.Results == b.Results && a.LedgerLines == b.LedgerLines && a.Digest.AsSpan().SequenceEqual(b.Digest),
            a => a.Results.GetHashCode());
}
