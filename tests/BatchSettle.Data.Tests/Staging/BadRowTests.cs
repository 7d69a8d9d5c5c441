using System.Text;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;

namespace BatchSettle.Data.Tests.Staging;

/// <summary>Issue 12, item 2: a bad row is that row's problem — named with line and field, the rest goes on.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BadRowTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    [Fact]
    public async Task HostileRows_EachRejectedWithLineAndField_RestLoadsAndSettles()
    {
        using var data = new TestData();
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("A1"), TestData.Person("A2")]);
        string ok1 = TestData.Claim("OK1", "A1", "2025-03-05", 5000m);
        string ok2 = TestData.Claim("OK2", "A2", "2025-03-07", 3000m, 10m);
        var lines = new List<byte[]>
        {
            Utf8(TestData.ClaimsHeader),
            Utf8(ok1),                                                                           // line 2
            Utf8(TestData.Claim("EARLY", "A1", "0001-01-01", 100m)),                             // 3: date out of range
            Utf8(TestData.Claim("LATE", "A1", "9999-12-31", 100m)),                              // 4
            Utf8(TestData.Claim("NUL\0X", "A1", "2025-03-06", 100m)),                            // 5: NUL byte in setl_id
            Utf8(TestData.Claim(new string('S', 8192), "A1", "2025-03-06", 100m)),               // 6: 8 KB setl_id
            Utf8(TestData.Claim("UTF", "A1", "2025-03-06", 100m).Replace("I10", "I\u0001", StringComparison.Ordinal))
                .Select(b => b == 1 ? (byte)0xFF : b).ToArray(),                                         // 7: invalid UTF-8 in dise_codg
            Utf8(ok2 + ",extra"),                                                                // 8: too many fields
            Utf8(TestData.Claim("HUGE", "A2", "2025-03-08", 1_000_000_000_000_000m)),            // 9: 1e15 yuan
            Utf8(TestData.Claim("OK3", "A2", "2025-03-09", 700m)),                               // 10
        };
        string claims = Path.Combine(data.Dir, "c.csv");
        await File.WriteAllBytesAsync(claims, [.. lines.SelectMany(l => l.Concat("\n"u8.ToArray()))]);
        await using var ds = await pg.NewDatabaseAsync();
        var output = new StringWriter();
        var loader = new StagingLoader(ds, Time, new WriterLogger(output));
        await loader.LoadPersonsAsync(persons);

        var load = await loader.LoadClaimsAsync(claims);

        Assert.Equal(9, load.Rows);
        Assert.Equal(3, load.Inserted); // OK1, HUGE, OK3
        Assert.Equal(6, load.Rejected);
        await using var c = await ds.OpenConnectionAsync();
        var rejects = (await c.QueryAsync<(int Line, string Field, string Reason, string? Batch)>(
            "SELECT source_line, field, reason, batch_id FROM staging_reject ORDER BY source_line, field")).AsList();
        Assert.Contains(rejects, r => r is { Line: 3, Field: "begndate" } && r.Reason.Contains("out of range", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r is { Line: 4, Field: "enddate" } && r.Reason.Contains("out of range", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r is { Line: 5, Field: "setl_id" } && r.Reason.Contains("NUL", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r is { Line: 6, Field: "setl_id" } && r.Reason.Contains("8192 characters", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r is { Line: 7, Field: "dise_codg" } && r.Reason.Contains("UTF-8", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r is { Line: 8, Field: "(row)", Batch: null });
        // Nothing stored as ±infinity, nothing replaced with U+FFFD.
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM staging_claim WHERE NOT isfinite(begndate) OR NOT isfinite(enddate) OR dise_codg LIKE '%' || chr(65533) || '%'"));

        var run = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions { Partitions = 2 });

        Assert.True(run.Succeeded, run.Format());
        var huge = await c.QuerySingleAsync<(string Status, string Reason)>("SELECT status, reason FROM settlement_result WHERE setl_id = 'HUGE'");
        Assert.Equal("quarantined", huge.Status);
        Assert.Contains("money beyond sane bound", huge.Reason, StringComparison.Ordinal);
        Assert.Contains(await c.QueryAsync<string>("SELECT field FROM quarantine WHERE setl_id = 'HUGE'"), f => f == "medfee_sumamt");
        Assert.Equal(["OK1", "OK3"], await c.QueryAsync<string>("SELECT setl_id FROM settlement_result WHERE status = 'settled' ORDER BY 1"));
        var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
        Assert.True(report.Balanced, string.Join("\n", report.Differences));
        Assert.Equal(1, report.UnbatchedCount);
    }

    [Fact]
    public async Task CorrectedRow_ReplacesRejectedOne_InAnotherBatch_OneEffectiveResult()
    {
        using var data = new TestData();
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("A1")]);
        string bad = data.Write("c1.csv", TestData.ClaimsHeader,
            [TestData.Claim("OK1", "A1", "2025-03-05", 5000m), TestData.Claim("FIXME", "A1", "2025-13-06", 100m)]);
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(bad);
        var a = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions());
        Assert.Equal(1, a.Quarantined);

        // The corrected row arrives in the next month's batch.
        string fixedRow = TestData.Claim("FIXME", "A1", "2025-03-06", 100m).Replace(TestData.Batch, "210500-2025-04", StringComparison.Ordinal);
        string good = data.Write("c2.csv", TestData.ClaimsHeader, [fixedRow]);
        Assert.Equal(1, (await loader.LoadClaimsAsync(good)).Inserted);
        var b = await new BatchRunner(ds, Time).RunBatchAsync("210500-2025-04", new BatchRunOptions());
        Assert.Equal(1, b.Claims);

        await using var c = await ds.OpenConnectionAsync();
        var results = (await c.QueryAsync<(long Seq, string Status, string Batch)>(
            "SELECT claim_seq, status, batch_id FROM settlement_result WHERE setl_id = 'FIXME' ORDER BY claim_seq")).AsList();
        Assert.Equal(2, results.Count); // history kept ...
        var superseded = (await c.QueryAsync<long>("SELECT superseded_claim_seq FROM result_superseded WHERE setl_id = 'FIXME'")).AsList();
        Assert.Equal([results[0].Seq], superseded); // ... and the load reject's result marked superseded by the claim's
        Assert.Equal("quarantined", results[0].Status);
        Assert.True(results[1].Seq > 0);
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
        Assert.True((await new Reconciler(ds).ReconcileAsync("210500-2025-04")).Balanced);

        // Without the supersede record reconcile names the two results.
        await c.ExecuteAsync("ALTER TABLE result_superseded DISABLE TRIGGER result_superseded_no_update; DELETE FROM result_superseded");
        var report = await new Reconciler(ds).ReconcileAsync("210500-2025-04");
        Assert.Contains(report.Differences, d => d.Contains("FIXME has two results", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReversalSortingBeforeItsOriginal_SameDate_IsSettledNotQuarantined()
    {
        using var data = new TestData();
        string persons = data.Write("p.csv", TestData.PersonsHeader, [TestData.Person("A1")]);
        string claims = data.Write("c.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("Z-ORIG", "A1", "2025-03-05", 5000m, 20m),
            TestData.Claim("A-REV", "A1", "2025-03-05", -5000m, -20m, reversalOf: "Z-ORIG"),
            TestData.Claim("M-NEXT", "A1", "2025-03-09", 3000m),
        ]);
        string sorted = data.Write("c2.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("A-ORIG", "A1", "2025-03-05", 5000m, 20m),
            TestData.Claim("Z-REV", "A1", "2025-03-05", -5000m, -20m, reversalOf: "A-ORIG"),
            TestData.Claim("M-NEXT", "A1", "2025-03-09", 3000m),
        ]);
        await using var ds = await pg.NewDatabaseAsync();
        await using var ds2 = await pg.NewDatabaseAsync();
        foreach (var (d, f) in new[] { (ds, claims), (ds2, sorted) })
        {
            var loader = new StagingLoader(d, Time);
            await loader.LoadPersonsAsync(persons);
            await loader.LoadClaimsAsync(f);
            Assert.Equal(0, (await new BatchRunner(d, Time).RunBatchAsync(TestData.Batch, new BatchRunOptions())).Quarantined);
        }
        await using var c = await ds.OpenConnectionAsync();
        await using var c2 = await ds2.OpenConnectionAsync();
        Assert.Equal("settled", await c.ExecuteScalarAsync<string>("SELECT status FROM settlement_result WHERE setl_id = 'A-REV'"));
        const string Next = "SELECT concat_ws('|', status, act_pay_dedc, hifp_pay, fund_pay_sumamt, acc_delta::text) FROM settlement_result WHERE setl_id = 'M-NEXT'";
        Assert.Equal(await c2.ExecuteScalarAsync<string>(Next), await c.ExecuteScalarAsync<string>(Next));
        Assert.True((await new Reconciler(ds).ReconcileAsync(TestData.Batch)).Balanced);
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}
