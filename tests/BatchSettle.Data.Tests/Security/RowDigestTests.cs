using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Security;

/// <summary>
/// The run seal's digest version 2 (migration 096, <see cref="RowDigest"/>): the sums of keyed row hashes the runner
/// adds up chunk by chunk as it sends the rows equal the same hashes recomputed from the rows as stored — over several
/// partitions, small chunks, a run that crashed and was resumed, load-rejected rows (written outside chunks) and a
/// reversal — and every kind of edit a superuser could make is told.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RowDigestTests(PostgresFixture pg)
{
    [Fact]
    public async Task SumsOfTheRunner_EqualTheRowsAsStored_ThroughAResume_AndTellEveryEdit()
    {
        using var data = new TestData();
        var (persons, claims) = data.Standard(400);
        File.AppendAllText(claims, TestData.Claim("BADDATE", "P0001", "2025-02-30", 100m) + "\n");
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, TimeProvider.System);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        // Three partitions, small chunks; partition 1 crashes after its second chunk: the run fails and is resumed,
        // and the seal must hold the first attempt's chunks once.
        var crashing = new BatchRunOptions
        {
            Partitions = 3,
            ChunkClaims = 40,
            AfterChunkCommit = (part, chunk) => { if (part == 1 && chunk == 2) throw new InvalidOperationException("simulated crash"); },
        };
        var failed = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, crashing);
        Assert.Equal("failed", failed.Status);
        var run = await new BatchRunner(ds, TimeProvider.System).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 3, ChunkClaims = 40 });
        Assert.True(run.Succeeded, run.Format());
        Assert.Equal(2, run.Attempt);

        await using var c = await ds.OpenConnectionAsync();
        long chunks = await c.QuerySingleAsync<long>("SELECT sum(chunks) FROM run_partition WHERE run_id = @r", new { r = run.RunId });
        Assert.True(chunks >= 10, $"{chunks} chunks");
        var sealedRow = await c.QuerySingleAsync<(long Results, long LedgerLines, byte[] Digest)>(
            "SELECT results, ledger_lines, digest FROM run_seal WHERE run_id = @r", new { r = run.RunId });
        Assert.True(RowDigest.IsVersion2(sealedRow.Digest));
        var counts = await c.QuerySingleAsync<(long Results, long LedgerLines, long Negative, long Reversals)>(
            """
            SELECT (SELECT count(*) FROM settlement_result WHERE run_id = @r),
                   (SELECT count(*) FROM ledger_line WHERE run_id = @r AND kind IN ('settlement', 'reversal')),
                   (SELECT count(*) FROM settlement_result WHERE run_id = @r AND claim_seq < 0),
                   (SELECT count(*) FROM ledger_line WHERE run_id = @r AND kind = 'reversal')
            """, new { r = run.RunId });
        Assert.Equal((counts.Results, counts.LedgerLines), (sealedRow.Results, sealedRow.LedgerLines));
        Assert.True(counts.Negative > 0 && counts.Reversals > 0, $"{counts}");
        Assert.Equal(sealedRow, await RunSealDigest.RecomputeAsync(ds, run.RunId, sealedRow.Digest), Comparer);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);

        // Each edit is told: one field of one result; one ledger amount moved from one entry to another (an unkeyed
        // linear sum would not see it); a line deleted; a result added.
        (string Sql, int Rows)[] edits =
        [
            ("UPDATE settlement_result SET trace = trace || ' ' WHERE claim_seq = (SELECT max(claim_seq) FROM settlement_result WHERE run_id = @r)", 1),
            ("""
             WITH a AS (SELECT entry_id, line_no FROM ledger_line WHERE run_id = @r AND debit > 0 ORDER BY entry_id LIMIT 1),
                  b AS (SELECT entry_id, line_no FROM ledger_line WHERE run_id = @r AND debit > 0 ORDER BY entry_id DESC LIMIT 1)
             UPDATE ledger_line l SET debit = debit + CASE WHEN (l.entry_id, l.line_no) = (SELECT entry_id, line_no FROM a) THEN 1 ELSE -1 END
             WHERE (l.entry_id, l.line_no) IN (SELECT entry_id, line_no FROM a UNION ALL SELECT entry_id, line_no FROM b)
             """, 2),
            ("DELETE FROM ledger_line WHERE (entry_id, line_no) = (SELECT entry_id, max(line_no) FROM ledger_line WHERE run_id = @r GROUP BY entry_id ORDER BY entry_id LIMIT 1)", 1),
            ("INSERT INTO settlement_result (claim_seq, setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, status, reason, run_id) "
             + $"VALUES (-999999, 'FORGED', 'P0001', '{TestData.Batch}', '', '', '', '', 'quarantined', 'x', @r)", 1),
        ];
        foreach (var (sql, rows) in edits)
        {
            await using (var tx = await c.BeginTransactionAsync())
            {
                await c.ExecuteAsync("ALTER TABLE settlement_result DISABLE TRIGGER USER; ALTER TABLE ledger_line DISABLE TRIGGER USER;", transaction: tx);
                Assert.Equal(rows, await c.ExecuteAsync(sql, new { r = run.RunId }, tx));
                await c.ExecuteAsync("ALTER TABLE settlement_result ENABLE TRIGGER USER; ALTER TABLE ledger_line ENABLE TRIGGER USER;", transaction: tx);
                await tx.CommitAsync();
            }
            var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
            Assert.Contains(report.Differences, d => d.Contains($"run {run.RunId}: results or ledger lines changed since the run sealed them", StringComparison.Ordinal));
            Assert.DoesNotContain(report.Differences, d => d.Contains("seal does not verify", StringComparison.Ordinal));
            // The next edit is checked against a seal of the rows as they now are (what an honest seal would hold).
            await ResealAsync(c, run.RunId, await RunSealDigest.RecomputeAsync(ds, run.RunId, sealedRow.Digest));
            Assert.DoesNotContain((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Differences,
                d => d.Contains("changed since", StringComparison.Ordinal) || d.Contains("does not verify", StringComparison.Ordinal));
        }
    }

    /// <summary>Rewrites the run's seal row (superuser, triggers off) with <paramref name="d"/>, sealed under the key
    /// like the runner seals.</summary>
    internal static async Task ResealAsync(NpgsqlConnection c, long runId, (long Results, long LedgerLines, byte[] Digest) d)
    {
        var prev = await c.QuerySingleAsync<byte[]?>(
            "SELECT p.seal FROM run_seal s LEFT JOIN run_seal p ON p.run_id = s.prev_run_id WHERE s.run_id = @runId", new { runId });
        string batchId = await c.QuerySingleAsync<string>("SELECT batch_id FROM run WHERE run_id = @runId", new { runId });
        byte[] seal = global::BatchSettle.Data.Infrastructure.SealKey.Seal(global::BatchSettle.Data.Infrastructure.SealKey.Get(), runId, batchId, d.Results, d.LedgerLines, d.Digest, prev);
        await c.ExecuteAsync(
            """
            ALTER TABLE run_seal DISABLE TRIGGER USER;
            UPDATE run_seal SET results = @results, ledger_lines = @ledger, digest = @digest, seal = @seal WHERE run_id = @runId;
            ALTER TABLE run_seal ENABLE TRIGGER USER;
            """, new { runId, results = d.Results, ledger = d.LedgerLines, digest = d.Digest, seal });
    }

    private static readonly IEqualityComparer<(long Results, long LedgerLines, byte[] Digest)> Comparer =
        EqualityComparer<(long Results, long LedgerLines, byte[] Digest)>.Create(
            (a, b) => a.Results == b.Results && a.LedgerLines == b.LedgerLines && a.Digest.AsSpan().SequenceEqual(b.Digest),
            a => a.Results.GetHashCode());
}
