using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Data.Tests.Infrastructure;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>
/// How a chunk writes accumulators (issue 16): a row the partition's accumulator stream did not have is COPYed straight
/// into <c>accumulator</c>; a row it had goes through the temp table and the upsert. Both paths give the rows a clean
/// run gives, and a row someone stored after the stream was read is never overwritten: the COPY is refused on the key,
/// the run fails, and its resume reads the row and settles on top of it.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AccumulatorWriteTests(PostgresFixture pg)
{
    private static readonly TimeProvider Time = TimeProvider.System;
    private const string April = "210500-2025-04";

    [Fact]
    public async Task NewRowsCopied_StoredRowsUpserted_AnIntruderRefusedNotOverwritten()
    {
        using var data = new TestData();
        var (persons, all) = data.Standard(600);
        // March: the persons below P0450. April: every person's claims again (new ids), so April meets March's stored
        // rows (the upsert) and, for P0450–P0599, has rows new to the table (the COPY) — at the end of the stream.
        var lines = File.ReadAllLines(all).Skip(1).Where(l => l.Length > 0).ToList();
        string march = data.Write("march.csv", TestData.ClaimsHeader,
            lines.Where(l => string.CompareOrdinal(l.Split(',')[2], "P0450") < 0));
        string april = data.Write("april.csv", TestData.ClaimsHeader, TestData.ClaimsOfBatch(all, April));

        // A: March, then April, undisturbed.
        await using var a = await LoadAsync(persons, march, april);
        Assert.True((await new BatchRunner(a, Time).RunBatchAsync(TestData.Batch, Options())).Succeeded);
        var afterMarch = await AccumulatorsAsync(a);
        Assert.True((await new BatchRunner(a, Time).RunBatchAsync(April, Options())).Succeeded);
        var clean = await AccumulatorsAsync(a);
        var newInApril = clean.Keys.Where(k => !afterMarch.ContainsKey(k)).ToList();
        var movedInApril = clean.Keys.Where(k => afterMarch.TryGetValue(k, out var m) && m != clean[k]).ToList();
        Assert.True(afterMarch.Count > 100 && movedInApril.Count > 50 && newInApril.Count > 50,
            $"{afterMarch.Count} rows after March, {movedInApril.Count} moved by April, {newInApril.Count} new in April");

        // B: the same, but as April's first chunk commits someone stores a row April's stream did not have (zero
        // accumulators, the last person's, so in a later chunk). April's COPY of that key is refused.
        await using var b = await LoadAsync(persons, march, april);
        Assert.True((await new BatchRunner(b, Time).RunBatchAsync(TestData.Batch, Options())).Succeeded);
        Assert.Equal(afterMarch, await AccumulatorsAsync(b));
        var intruder = newInApril.MaxBy(k => k.PsnNo, StringComparer.Ordinal)!;
        bool stored = false;
        var failing = new BatchRunOptions
        {
            Partitions = 1,
            ChunkClaims = 40,
            AfterChunkCommit = (_, chunk) =>
            {
                if (chunk != 1 || stored) return;
                using var c = b.OpenConnection();
                c.Execute("INSERT INTO accumulator (psn_no, year, insutype, acc, run_id) SELECT @PsnNo, @Year, @Insutype, '{}', max(run_id) FROM run",
                    intruder);
                stored = true;
            },
        };
        var failed = await new BatchRunner(b, Time).RunBatchAsync(April, failing);
        Assert.True(stored);
        Assert.Equal("failed", failed.Status);
        Assert.Contains("accumulator_pkey", failed.Error ?? "", StringComparison.Ordinal);
        Assert.Equal("", (await AccumulatorsAsync(b))[intruder]);

        // The resume reads the stored row (zeros) and upserts it: every row as the clean run left it.
        var resumed = await new BatchRunner(b, Time).RunBatchAsync(April, Options());
        Assert.True(resumed.Succeeded, resumed.Format());
        Assert.Equal(2, resumed.Attempt);
        Assert.Equal(clean, await AccumulatorsAsync(b));
    }

    private static BatchRunOptions Options() => new() { Partitions = 1, ChunkClaims = 40 };

    private async Task<NpgsqlDataSource> LoadAsync(string persons, params string[] claims)
    {
        var ds = await pg.NewDatabaseAsync();
        var loader = new StagingLoader(ds, Time);
        await loader.LoadPersonsAsync(persons);
        foreach (string f in claims) await loader.LoadClaimsAsync(f);
        return ds;
    }

    private sealed record Key(string PsnNo, int Year, string Insutype);

    /// <summary>Every accumulator row, its slots as text (run_id left out: it names the run that wrote it last).</summary>
    private static async Task<Dictionary<Key, string>> AccumulatorsAsync(NpgsqlDataSource ds)
    {
        await using var c = await ds.OpenConnectionAsync();
        var rows = await c.QueryAsync<(string PsnNo, int Year, string Insutype, string Acc)>(
            "SELECT psn_no, year, insutype, array_to_string(acc, ',') FROM accumulator");
        return rows.ToDictionary(r => new Key(r.PsnNo, r.Year, r.Insutype), r => r.Acc);
    }
}
