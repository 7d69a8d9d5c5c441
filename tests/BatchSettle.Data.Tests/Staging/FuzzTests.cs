using System.Globalization;
using System.Text;
using BatchSettle.Data.Reconcile;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Staging;

/// <summary>
/// Issue 12, item 2: a seeded fuzz test. A claims file of ~16,000 rows is loaded and run twice: as generated, and with
/// more than 10,000 rows mutated across the hostile kinds (money overflow, dates out of range, NUL bytes, oversized
/// fields, invalid UTF-8, wrong field counts, malformed money, unknown codes). It proves: no crash or hang (the test
/// has a time limit), every input line accounted for exactly once (a result of its staged claim, or a load reject
/// counted by the run as quarantined, or named as unbatched), reconcile complete and balanced, and every claim of a
/// person none of whose rows was mutated settled exactly as in the unmutated run.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class FuzzTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;
    private const int Seed = 20251202;
    private const int Persons = 7_000;

    private enum Mutation { None, Overflow, DateRange, Nul, Oversize, InvalidUtf8, FieldCount, BadMoney, UnknownCode }

    [Fact(Timeout = 240_000)]
    public async Task MutatedRows_EachAccountedForOnce_GoodPersonsSettleAsUnmutated()
    {
        var rnd = new Random(Seed);
        using var data = new TestData();
        var persons = new List<string>();
        var clean = new List<(int Line, string Setl, string Psn, byte[] Bytes)>();
        var mutated = new List<(int Line, byte[] Bytes, Mutation Kind)>();
        var dirtyPersons = new HashSet<string>(StringComparer.Ordinal);
        var kinds = Enum.GetValues<Mutation>().Where(k => k != Mutation.None).ToArray();
        var counts = new Dictionary<Mutation, int>();
        int line = 1;
        for (int i = 0; i < Persons; i++)
        {
            string psn = $"F{i:D5}";
            bool yk = i % 5 == 4;
            persons.Add(TestData.Person(psn, yk ? "210800" : "210500", i % 3 == 0 ? "310" : "390", i % 11 == 3 ? "D:2024-03-01" : ""));
            bool dirty = rnd.Next(100) < 75;
            int n = 2 + rnd.Next(2);
            for (int k = 0; k < n; k++)
            {
                string setl = $"F{i:D5}-{k}";
                decimal inscp = rnd.Next(1, 400_000) / 100m * (k == 0 ? 10 : 1), own = rnd.Next(0, 5_000) / 100m;
                string row = k == 2 && rnd.Next(4) == 0
                    ? TestData.Claim(setl, psn, "2025-03-27", -firstInscp(i), -firstOwn(i), admdvs: yk ? "210800" : "210500",
                        insutype: i % 3 == 0 ? "310" : "390", reversalOf: $"F{i:D5}-0", fac: $"H{i % 7}")
                    : TestData.Claim(setl, psn, $"2025-03-{3 + k * 8 + rnd.Next(7):D2}", k == 0 ? firstInscp(i) : inscp, k == 0 ? firstOwn(i) : own,
                        medType: rnd.Next(6) == 0 ? "11" : "21", admdvs: yk ? "210800" : "210500", insutype: i % 3 == 0 ? "310" : "390",
                        hospLv: (1 + rnd.Next(3)).ToString(CultureInfo.InvariantCulture), fac: $"H{i % 7}");
                line++;
                var kind = dirty && rnd.Next(100) < 95 ? kinds[rnd.Next(kinds.Length)] : Mutation.None;
                if (kind == Mutation.None)
                {
                    clean.Add((line, setl, psn, Encoding.UTF8.GetBytes(row)));
                }
                else
                {
                    dirtyPersons.Add(psn);
                    mutated.Add((line, Mutate(row, kind, rnd), kind));
                    counts[kind] = counts.GetValueOrDefault(kind) + 1;
                }
                // The unmutated twin of every line, in the same place.
                clean.Add((-line, setl, psn, Encoding.UTF8.GetBytes(row)));
            }
        }
        Assert.True(mutated.Count >= 10_000, $"only {mutated.Count} mutated rows");
        Assert.All(kinds, k => Assert.True(counts.GetValueOrDefault(k) > 500, $"{k}: {counts.GetValueOrDefault(k)}"));

        string personsFile = data.Write("persons.csv", TestData.PersonsHeader, persons);
        string original = WriteLines(data, "original.csv", clean.Where(c => c.Line < 0).Select(c => (-c.Line, c.Bytes)));
        string hostile = WriteLines(data, "hostile.csv",
            clean.Where(c => c.Line > 0).Select(c => (c.Line, c.Bytes)).Concat(mutated.Select(m => (m.Line, m.Bytes))));
        int totalLines = line - 1;

        await using var baseDs = await pg.NewDatabaseAsync();
        await using var fuzzDs = await pg.NewDatabaseAsync();
        var options = new BatchRunOptions { Partitions = 2, Parallelism = 2 };
        foreach (var (ds, file) in new[] { (baseDs, original), (fuzzDs, hostile) })
        {
            var loader = new StagingLoader(ds, Time);
            await loader.LoadPersonsAsync(personsFile);
            var load = await loader.LoadClaimsAsync(file);
            Assert.Equal(totalLines, load.Rows);
            var run = await new BatchRunner(ds, Time).RunBatchAsync(TestData.Batch, options);
            Assert.True(run.Succeeded, run.Format());
            var report = await new Reconciler(ds).ReconcileAsync(TestData.Batch);
            Assert.True(report.Balanced, string.Join("\n", report.Differences.Take(20)));
        }

        await using var c = await fuzzDs.OpenConnectionAsync();
        // Every line accounted for exactly once.
        var byResult = (await c.QueryAsync<int>(
            """
            SELECT s.source_line FROM staging_claim s JOIN settlement_result r ON r.claim_seq = s.claim_seq
            """)).ToList();
        var byReject = (await c.QueryAsync<(int Line, bool Counted, bool Unbatched)>(
            """
            SELECT j.source_line,
                   bool_and(EXISTS (SELECT 1 FROM quarantine q WHERE q.reject_id = j.reject_id)),
                   bool_and(j.batch_id IS NULL)
            FROM staging_reject j WHERE j.kind = 'claim' GROUP BY j.source_line
            """)).ToList();
        Assert.Equal(byResult.Count, byResult.Distinct().Count());
        Assert.Empty(byResult.Intersect(byReject.Select(r => r.Line)));
        Assert.All(byReject, r => Assert.True(r.Counted || r.Unbatched, $"line {r.Line} rejected but neither counted nor unbatched"));
        Assert.Equal(Enumerable.Range(2, totalLines).ToHashSet(), byResult.Concat(byReject.Select(r => r.Line)).ToHashSet());
        Assert.Equal(0, await c.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM staging_claim s WHERE NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = s.claim_seq)"));
        // Every mutated line is a load reject or a quarantined result: none settled as if it were good.
        var settledLines = (await c.QueryAsync<int>(
            "SELECT s.source_line FROM staging_claim s JOIN settlement_result r ON r.claim_seq = s.claim_seq WHERE r.status <> 'quarantined'")).ToHashSet();
        Assert.DoesNotContain(mutated, m => settledLines.Contains(m.Line));
        // Wrong field counts are unbatched (their fields cannot be placed), as is a row whose batch_id itself was
        // mutated; no good line is.
        var unbatched = byReject.Where(r => r.Unbatched).Select(r => r.Line).ToHashSet();
        Assert.Subset(unbatched, mutated.Where(m => m.Kind == Mutation.FieldCount).Select(m => m.Line).ToHashSet());
        Assert.Subset(mutated.Select(m => m.Line).ToHashSet(), unbatched);

        // Every claim of a person with no mutated row: settled exactly as in the unmutated run.
        var cleanSetl = clean.Where(x => x.Line > 0 && !dirtyPersons.Contains(x.Psn)).Select(x => x.Setl).ToArray();
        Assert.True(cleanSetl.Length > 2_000, $"{cleanSetl.Length} clean claims");
        var expected = await SnapshotAsync(baseDs, cleanSetl);
        var actual = await SnapshotAsync(fuzzDs, cleanSetl);
        Assert.Equal(cleanSetl.Length, expected.Count);
        Assert.Equal(expected, actual);

        decimal firstInscp(int i) => 1000m + i % 97 * 37.5m;
        decimal firstOwn(int i) => i % 13 * 1.25m;
    }

    private static byte[] Mutate(string row, Mutation kind, Random rnd)
    {
        var f = row.Split(',');
        int field = rnd.Next(f.Length);
        switch (kind)
        {
            case Mutation.Overflow:
                // 1e15 yuan in the total and the policy-scope amount: the identity still holds, the bound does not.
                f[21] = "1000000000000000.00";
                f[25] = (1_000_000_000_000_000m - decimal.Parse(f[22], CultureInfo.InvariantCulture)).ToString("0.00", CultureInfo.InvariantCulture);
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            case Mutation.DateRange:
                f[rnd.Next(2) == 0 ? 13 : 14] = rnd.Next(2) == 0 ? "0001-01-01" : "9999-12-31";
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            case Mutation.Nul:
                f[field] = f[field].Insert(rnd.Next(f[field].Length + 1), "\0");
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            case Mutation.Oversize:
                f[field] = field == 1 ? new string('S', 8192) : f[field] + new string('x', 300 + rnd.Next(5000));
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            case Mutation.InvalidUtf8:
            {
                var bytes = Encoding.UTF8.GetBytes(row).ToList();
                byte[][] bad = [[0xFF], [0xC3, 0x28], [0x80], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80]];
                int at = rnd.Next(bytes.Count + 1);
                if (at < bytes.Count && bytes[at] == (byte)',') at++;
                bytes.InsertRange(at, bad[rnd.Next(bad.Length)]);
                return [.. bytes];
            }
            case Mutation.FieldCount:
                if (rnd.Next(2) == 0) f = [.. f.Take(field), .. f.Skip(field + 1)];
                else f = [.. f.Take(field), "extra", .. f.Skip(field)];
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            case Mutation.BadMoney:
                f[21 + rnd.Next(5)] = rnd.Next(2) == 0 ? "12.3.4" : "1e15";
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            case Mutation.UnknownCode:
                f[5] = "99";
                return Encoding.UTF8.GetBytes(string.Join(',', f));
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static string WriteLines(TestData data, string name, IEnumerable<(int Line, byte[] Bytes)> rows)
    {
        string path = Path.Combine(data.Dir, name);
        using var fs = File.Create(path);
        fs.Write(Encoding.UTF8.GetBytes(TestData.ClaimsHeader + "\n"));
        foreach (var (_, bytes) in rows.OrderBy(r => r.Line))
        {
            fs.Write(bytes);
            fs.WriteByte((byte)'\n');
        }
        return path;
    }

    private static async Task<Dictionary<string, string>> SnapshotAsync(NpgsqlDataSource ds, string[] setlIds)
    {
        await using var c = await ds.OpenConnectionAsync();
        var rows = await c.QueryAsync<(string Setl, string Row)>(
            """
            SELECT r.setl_id, concat_ws('|', r.status, r.reason, r.medfee_sumamt, r.act_pay_dedc, r.hifp_pay, r.pool_prop_bp, r.hifmi_pay,
                   r.hifob_pay, r.maf_pay, r.maf_tilted_pay, r.fund_pay_sumamt, r.psn_part_amt, r.assumed_params, r.acc_delta::text, r.trace)
            FROM settlement_result r JOIN staging_claim s ON s.claim_seq = r.claim_seq WHERE s.setl_id = ANY(@setlIds)
            """, new { setlIds });
        return rows.ToDictionary(r => r.Setl, r => r.Row, StringComparer.Ordinal);
    }
}
