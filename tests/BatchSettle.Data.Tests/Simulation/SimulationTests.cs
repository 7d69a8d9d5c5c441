using System.Globalization;
using System.Text;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Simulation;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using BatchSettle.Generator;
using Dapper;
using FsCheck.Xunit;
using Npgsql;

namespace BatchSettle.Data.Tests.Simulation;

/// <summary>
/// Issue 15: a simulation re-settles a region-year under the policy in force and under policy + draft, writing only to
/// the simulation tables. Real tables are hashed before and after; the baseline equals the stored real results; a draft
/// identical to the policy gives zero delta; a cap raise reaches only persons above the old cap; and three real changes
/// from the seeds are checked against hand-computed per-fund totals.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SimulationTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;

    private const string Header = "id,rule_id,key,qualifier,admdvs,insutype,value,unit,effective_from,effective_to,provenance,citation,note";

    /// <summary>A digest of every table a run writes (and the run bookkeeping), to prove a simulation touched none.</summary>
    private static async Task<string> RealTablesDigestAsync(NpgsqlDataSource ds)
    {
        await using var c = await ds.OpenConnectionAsync();
        var sb = new StringBuilder();
        foreach (var t in (string[])["settlement_result", "ledger_line", "accumulator", "alert", "run", "run_partition", "quarantine", "run_seal", "staging_claim", "staging_person"])
        {
            string? h = await c.ExecuteScalarAsync<string?>($"SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {t} t");
            sb.Append(t).Append('=').Append(h).Append(';');
        }
        return sb.ToString();
    }

    private static string Draft(params string[] rows) => Header + "\n" + string.Join("\n", rows) + "\n";

    private static async Task LoadGeneratedAsync(NpgsqlDataSource ds, string dir, ulong seed, int persons, long claims)
    {
        string pf = Path.Combine(dir, "persons.csv"), cf = Path.Combine(dir, "claims.csv");
        await using (var pw = new StreamWriter(pf, false, new UTF8Encoding(false)))
        await using (var cw = new StreamWriter(cf, false, new UTF8Encoding(false)))
        {
            DataGenerator.Write(new GenerateOptions(persons, claims, seed, 2025, 3), pw, cw);
        }
        var loader = new StagingLoader(ds, Time, null);
        await loader.LoadPersonsAsync(pf);
        await loader.LoadClaimsAsync(cf);
    }

    private static async Task RunAllBatchesAsync(NpgsqlDataSource ds)
    {
        List<string> batches;
        await using (var c = await ds.OpenConnectionAsync())
        {
            batches = [.. await c.QueryAsync<string>("SELECT DISTINCT batch_id FROM staging_claim ORDER BY 1")];
        }
        var runner = new BatchRunner(ds, Time);
        foreach (var b in batches)
        {
            var s = await runner.RunBatchAsync(b, new BatchRunOptions { Partitions = 2 });
            Assert.True(s.Status is "succeeded" or "succeeded_with_quarantine", s.Format());
        }
    }

    private static Task<long> SimulateAsync(NpgsqlDataSource ds, string admdvs, string draft, int partitions = 2) =>
        new Simulator(ds, Time).RunAsync(new SimulationRequest(admdvs, 2025, draft, "draft.csv") { Partitions = partitions, Parallelism = 2 });

    private static async Task<SimulationReport> ReportAsync(NpgsqlDataSource ds, long simId) =>
        SimulationReport.FromJson((await new Simulator(ds, Time).ReportJsonAsync(simId))!);

    /// <summary>In-force rows a property restates (id, draft row with the same slot and value for 2025).</summary>
    private static readonly string[] s_identical =
    [
        "100001,BX-IP-05,pool.cap,,210500,,8000000,fen,2025-01-01,2025-12-31,stated,本医保发〔2022〕26号 第三部分,draft: same as in force",
        "100001,BX-IP-01,ip.dedc,tertiary,210500,390,80000,fen,2025-01-01,2025-12-31,stated,本医保发〔2022〕26号 第一部分(二),draft: same as in force",
        "100001,CI-06,ci.cap,,,390,40000000,fen,2025-01-01,2025-12-31,stated,辽医保发〔2024〕7号 二(三),draft: same as in force",
        "100001,YK-MA-04,ma.basic.ratio,TOD,,,7000,bp,2025-01-01,2025-12-31,stated,营政办发〔2022〕23号 第十一条(一),draft: same as in force",
    ];

    [Property(MaxTest = 3)]
    public void IdenticalDraft_ZeroDeltaOnEveryClaim_BaselineEqualsReal_RealTablesUnchanged(uint seed)
    {
        Task.Run(async () =>
        {
            using var data = new TestData();
            await using var ds = await pg.NewDatabaseAsync();
            await LoadGeneratedAsync(ds, data.Dir, seed + 1UL, 150, 900);
            await RunAllBatchesAsync(ds);
            string before = await RealTablesDigestAsync(ds);
            string admdvs = seed % 2 == 0 ? "210500" : "210800";
            string row = s_identical[(int)(seed % (uint)s_identical.Length)];
            long simId = await SimulateAsync(ds, admdvs, Draft(row));
            Assert.Equal(before, await RealTablesDigestAsync(ds));

            await using var c = await ds.OpenConnectionAsync();
            long pairs = await c.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM sim_result b JOIN sim_result d ON d.sim_id = b.sim_id AND d.side = 1 AND d.claim_seq = b.claim_seq WHERE b.sim_id = @simId AND b.side = 0",
                new { simId });
            long staged = await c.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM staging_claim WHERE admdvs = @admdvs AND enddate BETWEEN '2025-01-01' AND '2025-12-31'", new { admdvs });
            Assert.Equal(staged, pairs);
            long differing = await c.ExecuteScalarAsync<long>(
                """
                SELECT count(*) FROM sim_result b JOIN sim_result d ON d.sim_id = b.sim_id AND d.side = 1 AND d.claim_seq = b.claim_seq
                WHERE b.sim_id = @simId AND b.side = 0
                  AND (b.status, b.hifp_pay, b.hifmi_pay, b.hifob_pay, b.maf_pay, b.maf_tilted_pay, b.fund_pay_sumamt, b.psn_part_amt, b.act_pay_dedc, b.acc_delta, b.alert_threshold)
                      IS DISTINCT FROM (d.status, d.hifp_pay, d.hifmi_pay, d.hifob_pay, d.maf_pay, d.maf_tilted_pay, d.fund_pay_sumamt, d.psn_part_amt, d.act_pay_dedc, d.acc_delta, d.alert_threshold)
                """, new { simId });
            Assert.Equal(0, differing);
            var r = await ReportAsync(ds, simId);
            Assert.All(r.Funds, f => Assert.Equal(0, f.Delta));
            Assert.Equal(0, r.PersonsAffected);
            Assert.Empty(r.TopClaims);
            Assert.True(r.RealCompared > 0);
            Assert.Equal(0, r.RealDiffering);
            Assert.True(await new Simulator(ds, Time).DropAsync(simId));
            Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM sim_result WHERE sim_id = @simId", new { simId }));
            Assert.Equal(before, await RealTablesDigestAsync(ds));
        }).GetAwaiter().GetResult();
    }

    [Property(MaxTest = 3)]
    public void CapRaise_ChangesOnlyClaimsOfPersonsAboveTheOldCap(uint seed)
    {
        Task.Run(async () =>
        {
            using var data = new TestData();
            await using var ds = await pg.NewDatabaseAsync();
            await LoadGeneratedAsync(ds, data.Dir, seed + 7UL, 150, 900);
            // One person certain to pass the old cap (80,000): a 300,000-yuan tertiary admission.
            var loader = new StagingLoader(ds, Time, null);
            await loader.LoadPersonsAsync(data.Write("big-p.csv", TestData.PersonsHeader, [TestData.Person("BIGCAP")]));
            await loader.LoadClaimsAsync(data.Write("big-c.csv", TestData.ClaimsHeader, [TestData.Claim("BIGCAP-1", "BIGCAP", "2025-03-12", 300_000m)]));
            await RunAllBatchesAsync(ds);
            string before = await RealTablesDigestAsync(ds);
            long raise = 100_000 + (seed % 50) * 100_000; // 1,000 to 50,000 yuan more
            long simId = await SimulateAsync(ds, "210500", Draft(string.Create(CultureInfo.InvariantCulture,
                $"100001,BX-IP-05,pool.cap,,210500,,{8_000_000 + raise},fen,2025-01-01,2025-12-31,assumed,property test,draft: cap raised")));
            Assert.Equal(before, await RealTablesDigestAsync(ds));

            await using var c = await ds.OpenConnectionAsync();
            // Persons whose baseline pooled payments (original settlements) reached the old cap: only they may change.
            var changedBelow = (await c.QueryAsync<string>(
                """
                WITH b AS (SELECT psn_no, sum(hifp_pay) FILTER (WHERE status = 'settled' AND reversal_of IS NULL) AS paid
                           FROM sim_result WHERE sim_id = @simId AND side = 0 GROUP BY psn_no),
                     changed AS (SELECT DISTINCT x.psn_no FROM sim_result x JOIN sim_result y ON y.sim_id = x.sim_id AND y.side = 1 AND y.claim_seq = x.claim_seq
                                 WHERE x.sim_id = @simId AND x.side = 0
                                   AND (x.status, x.fund_pay_sumamt, x.psn_part_amt, x.hifp_pay) IS DISTINCT FROM (y.status, y.fund_pay_sumamt, y.psn_part_amt, y.hifp_pay))
                SELECT changed.psn_no FROM changed JOIN b USING (psn_no) WHERE COALESCE(b.paid, 0) < 8000000
                """, new { simId })).ToList();
            Assert.Empty(changedBelow);
            var r = await ReportAsync(ds, simId);
            Assert.True(r.PersonsAffected >= 1);
            var big = Assert.Single(r.TopClaims, t => t.SetlId == "BIGCAP-1");
            // (300,000 − 800) × 65% = 194,480 > any raised cap: the pooled fund pays exactly the raise more; the 大病
            // base (policy-scope − pooled, CI-01) is 220,000 − raise, above the 13,500 deductible, so 大病 pays 60% of
            // the raise less (CI-03): the funds together pay 40% of the raise more.
            var (dHifp, dHifmi) = await c.QuerySingleAsync<(long, long)>(
                """
                SELECT d.hifp_pay - b.hifp_pay, d.hifmi_pay - b.hifmi_pay
                FROM sim_result b JOIN sim_result d ON d.sim_id = b.sim_id AND d.side = 1 AND d.claim_seq = b.claim_seq
                WHERE b.sim_id = @simId AND b.side = 0 AND b.setl_id = 'BIGCAP-1'
                """, new { simId });
            Assert.Equal(raise, dHifp);
            Assert.Equal(-raise * 6000 / 10000, dHifmi);
            Assert.Equal(raise * 4000 / 10000, big.Delta);
            Assert.Contains(big.Steps, s => s.Draft.Contains("pool.cap=" + (8_000_000 + raise).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Three real changes of the seeds on a hand-made data set of three persons, March 2025, run for real first.
    /// <para>BA1 Benxi resident, tertiary in-city admission, policy-scope 10,000.00 (BX-IP-01: deductible 800, 65%).
    /// BB1 Benxi resident, continuous_years 7, tertiary admission 1,000,000.00. YC1 Yingkou resident, 特困 (T) since
    /// 2024-01-01, 三级 (level 3, not 3A) admission 10,000.00.</para>
    /// </summary>
    [Fact]
    public async Task ThreeSeedChanges_PerFundTotals_AsComputedByHand()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time, null);
        await loader.LoadPersonsAsync(data.Write("p.csv", TestData.PersonsHeader,
        [
            TestData.Person("BA1"),
            "BB1,210500,390,1960-05-01,2025,centralised,2024-12-01,,0,0,7,0,,,false",
            TestData.Person("YC1", "210800", "390", "T:2024-01-01"),
        ]));
        await loader.LoadClaimsAsync(data.Write("c.csv", TestData.ClaimsHeader,
        [
            TestData.Claim("BA1-1", "BA1", "2025-03-10", 10_000m),
            TestData.Claim("BB1-1", "BB1", "2025-03-11", 1_000_000m),
            TestData.Claim("YC1-1", "YC1", "2025-03-12", 10_000m, admdvs: "210800").Replace(TestData.Batch, "210800-2025-03", StringComparison.Ordinal),
        ]));
        await RunAllBatchesAsync(ds);
        string before = await RealTablesDigestAsync(ds);

        // 1. Benxi deductible change (BX-IP-01 tertiary 800 → 600 in 2025, as a new 本医保发 might).
        //    BA1: baseline pooled (10,000 − 800) × 65% = 5,980.00; draft (10,000 − 600) × 65% = 6,110.00 → +130.00.
        //    大病 base 10,000 − 5,980 = 4,020 < 13,500 (CI-02) → 0 on both sides; personal 4,020.00 → 3,890.00.
        //    BB1: (1,000,000 − 800) × 65% and (1,000,000 − 600) × 65% both exceed the pooled cap 80,000 (BX-IP-05):
        //    80,000.00 on both sides, so its 大病 base (1,000,000 − 80,000) and payment are unchanged.
        //    Totals: pooled +13,000 fen, all funds +13,000, personal −13,000; one person reached, paying less.
        long s1 = await SimulateAsync(ds, "210500", Draft(
            "100001,BX-IP-01,ip.dedc,tertiary,210500,390,60000,fen,2025-01-01,2025-12-31,assumed,hypothetical 2025 notice,draft: tertiary deductible 600"));
        var r1 = await ReportAsync(ds, s1);
        Assert.Equal(13_000, Fund(r1, "basic pooled").Delta);
        Assert.Equal(598_000 + 8_000_000, Fund(r1, "basic pooled").Baseline);
        Assert.Equal(0, Fund(r1, "大病").Delta);
        Assert.Equal(13_000, Fund(r1, "all funds").Delta);
        Assert.Equal(-13_000, Fund(r1, "personal").Delta);
        Assert.Equal((1, 0, 1), (r1.PersonsAffected, r1.PayingMore, r1.PayingLess));
        var t1 = Assert.Single(r1.TopClaims);
        Assert.Equal("BA1-1", t1.SetlId);
        Assert.Contains(t1.Steps, s => s.Rule == "BX-IP-01" && s.Baseline.Contains("ip.dedc/tertiary=80000", StringComparison.Ordinal)
                                       && s.Draft.Contains("ip.dedc/tertiary=60000", StringComparison.Ordinal));

        // 2. The 2025 大病 rules vs the 2024 rules (辽医保发〔2024〕7号 二(三), CI-06): the draft takes the continuous
        //    enrolment incentive away in 2025 (ci.inc_per_year 4,000 → 0), as the 2024 rules had none.
        //    BB1: pooled 80,000.00 (cap); 大病 base 1,000,000 − 80,000 = 920,000; (920,000 − 13,500) × 60% = 543,900
        //    → capped. Baseline cap 400,000 + (7 − 4) × 4,000 = 412,000.00; draft cap 400,000.00 → 大病 −12,000.00.
        //    BA1 has no 大病. Totals: 大病 baseline 41,200,000 fen, draft 40,000,000, delta −1,200,000; personal
        //    +1,200,000 (BB1: 1,000,000 − 80,000 − 412,000 = 508,000.00 → 520,000.00); one person, paying more.
        long s2 = await SimulateAsync(ds, "210500", Draft(
            "100002,CI-06,ci.inc_per_year,,,390,0,fen,2025-01-01,2025-12-31,stated,辽医保发〔2024〕7号 二(三) (2024 rules: no incentive),draft: 2024 rules in 2025"));
        var r2 = await ReportAsync(ds, s2);
        Assert.Equal(41_200_000, Fund(r2, "大病").Baseline);
        Assert.Equal(40_000_000, Fund(r2, "大病").Draft);
        Assert.Equal(0, Fund(r2, "basic pooled").Delta);
        Assert.Equal(-1_200_000, Fund(r2, "all funds").Delta);
        Assert.Equal(1_200_000, Fund(r2, "personal").Delta);
        Assert.Equal((1, 1, 0), (r2.PersonsAffected, r2.PayingMore, r2.PayingLess));
        Assert.Equal("BB1-1", Assert.Single(r2.TopClaims).SetlId);

        // 3. An assistance ratio change (YK-MA-04 basic assistance for T/O/D 70% → 80% in 2025), Yingkou.
        //    YC1: pooled (10,000 − 700) × 70% = 6,510.00 (YK-IP-01 三级); 大病 base 3,490 < 6,750 (CI-04 halved) → 0.
        //    Assistance base 10,000 − 6,510 = 3,490. Baseline: basic 3,490 × 70% = 2,443.00; tilted (YK-MA-05, T:
        //    deductible 0, 70%) on what remains, (3,490 − 2,443) × 70% = 732.90 → 3,175.90; personal 314.10.
        //    Draft: basic 3,490 × 80% = 2,792.00; tilted (3,490 − 2,792) × 70% = 488.60 → 3,280.60; personal 209.40.
        //    Totals: assistance 317,590 → 328,060 fen, delta +10,470; personal −10,470; pooled and 大病 unchanged.
        long s3 = await SimulateAsync(ds, "210800", Draft(
            "100003,YK-MA-04,ma.basic.ratio,TOD,,,8000,bp,2025-01-01,2025-12-31,assumed,hypothetical provincial notice,draft: basic assistance 80%"));
        var r3 = await ReportAsync(ds, s3);
        Assert.Equal(317_590, Fund(r3, "assistance").Baseline);
        Assert.Equal(328_060, Fund(r3, "assistance").Draft);
        Assert.Equal(0, Fund(r3, "basic pooled").Delta);
        Assert.Equal(-10_470, Fund(r3, "personal").Delta);
        Assert.Contains(r3.Hardship, h => h.Key == "T" && h.Delta == 10_470);

        // Every baseline equals the real run's results; no real table changed.
        foreach (var r in (SimulationReport[])[r1, r2, r3])
        {
            Assert.True(r.RealCompared > 0);
            Assert.Equal(0, r.RealDiffering);
        }
        Assert.Equal(before, await RealTablesDigestAsync(ds));
        Assert.Contains("basic pooled fund", r1.Render(), StringComparison.Ordinal);
        Assert.StartsWith("section,key,baseline,draft,delta,pct\nfund,basic pooled fund (310100/390100),", r1.ToCsv(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadDraft_RejectedBeforeAnythingIsWritten()
    {
        using var data = new TestData();
        await using var ds = await pg.NewDatabaseAsync();
        var (persons, claims) = data.Standard(4);
        var loader = new StagingLoader(ds, Time, null);
        await loader.LoadPersonsAsync(persons);
        await loader.LoadClaimsAsync(claims);
        var e = await Assert.ThrowsAsync<FormatException>(() => SimulateAsync(ds, "210500", Draft(
            "100001,BX-IP-05,pool.cap,,210500,,10000000,fen,2025-01-01,2025-12-31,assumed,c,cap 100000")));
        Assert.Contains("draft.csv line 2, column 13 (note)", e.Message, StringComparison.Ordinal);
        await using var c = await ds.OpenConnectionAsync();
        Assert.Equal(0, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM simulation"));
    }

    private static SimLine Fund(SimulationReport r, string prefix) =>
        r.Funds.Single(f => f.Key.Contains(prefix, StringComparison.Ordinal));
}
