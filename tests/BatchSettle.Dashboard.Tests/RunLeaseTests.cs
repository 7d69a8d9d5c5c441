using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using BatchSettle.Data.Embedded;
using BatchSettle.Data.Explain;
using BatchSettle.Data.Runs;
using BatchSettle.Data.Staging;
using BatchSettle.Testing;
using Dapper;
using Npgsql;
using Xunit;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// Runs that cannot lie and registry updates (issue 13, items 3 and 4), with real processes: a CLI <c>run</c> killed
/// with SIGKILL is shown interrupted by the dashboard host within its lease, and resumed to the results of an
/// uninterrupted run even though a changed registry snapshot was loaded meanwhile; a trigger of a batch never loaded
/// leaves a failed run with its reason; a run settles against the registry snapshot in force at its start; the API
/// answers 503 with a JSON error while PostgreSQL is down and recovers by itself.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class RunLeaseTests(DashboardFixture fixture)
{
    /// <summary>The CLI's lease in these tests: renewed every half second, expired after four.</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(4);

    internal static readonly Dictionary<string, string> LeaseEnv = new()
    {
        [RunLeaseOptions.RenewEnvVar] = "0.5",
        [RunLeaseOptions.DurationEnvVar] = "4",
    };

    private static readonly TimeSpan Minutes = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task CliRun_Sigkilled_IsInterruptedWithinItsLease_AndResumesToTheUninterruptedResults_WithTheRegistryItStartedWith()
    {
        var data = Generate(persons: 3_000, claims: 24_000, seed: 11);
        await using var reference = await fixture.NewDatabaseAsync();
        await LoadAsync(reference, data, asOf: null);
        var refRun = await CliProcess.RunAsync(reference.ConnectionString, LeaseEnv, Minutes,
            "run", "--batch", DashboardFixture.Benxi, "--partitions", "4", "--parallel", "2", "--chunk", "25");
        Assert.True(refRun.ExitCode == 0, refRun.Output);
        var expected = await Snapshot.TakeAsync(reference.ConnectionString);

        await using var db = await fixture.NewDatabaseAsync();
        await LoadAsync(db, data, asOf: null);
        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);

        var (runId, killedAt) = await StartAndKillAsync(db);
        var run = await WaitForStatusAsync(client, runId, "interrupted", Lease + TimeSpan.FromSeconds(30));
        var seenAfter = Stopwatch.GetElapsedTime(killedAt);
        Assert.True(seenAfter < Lease + TimeSpan.FromSeconds(6), $"interrupted only {seenAfter.TotalSeconds:F1} s after the kill (lease {Lease.TotalSeconds} s)");
        var reason = run.GetProperty("interruptReason").GetString() ?? "";
        Assert.Contains("stopped renewing its lease", reason, StringComparison.Ordinal);
        Assert.Contains("run:cli", reason, StringComparison.Ordinal);
        Assert.NotEqual(JsonValueKind.Null, run.GetProperty("interruptedAt").ValueKind);

        // A changed registry is loaded while the run is interrupted (every Benxi person's premium paid late in the
        // year): new runs would settle against it; the resumed run must not.
        var late = WritePersons(data, "persons-changed.csv", row => ShiftMonth(row, 1, 11));
        // Same date as the first load (today), a later load: in force for any run started from now on.
        var changed = await new StagingLoader(db, TimeProvider.System).LoadPersonsAsync(late);
        Assert.True(changed.Changed > 0, "the changed snapshot changed nothing");

        var resumed = await CliProcess.RunAsync(db.ConnectionString, LeaseEnv, Minutes, "run", "--batch", DashboardFixture.Benxi);
        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Contains($"resuming run {runId}", resumed.Output, StringComparison.Ordinal);
        var actual = await Snapshot.TakeAsync(db.ConnectionString);
        Assert.True(actual.DiffFrom(expected).Length == 0, actual.DiffFrom(expected));
        await using var conn = await db.OpenConnectionAsync();
        Assert.Equal("succeeded", (await conn.QuerySingleAsync<string>("SELECT status FROM run WHERE run_id = @runId", new { runId }))[..9]);
        Assert.Equal(1L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM run WHERE started_at IS NOT NULL"));
    }

    [Fact]
    public async Task Trigger_OfABatchNeverLoaded_LeavesAFailedRunWithItsReason_ThatDoesNotSealTheBatch()
    {
        await using var db = await fixture.NewDatabaseAsync();
        var (exit, output) = await CliProcess.RunAsync(db.ConnectionString, null, Minutes, "trigger", "--batch", DashboardFixture.Benxi);
        Assert.True(exit == 1, output);
        Assert.Contains("no claims in staging", output, StringComparison.Ordinal);
        Assert.Contains("run id:", output, StringComparison.Ordinal);

        await using var factory = new DashboardFactory(db);
        using var client = factory.ClientAs(DashboardFactory.Viewer);
        var page = await client.GetFromJsonAsync<JsonElement>("/dashboard/api/runs");
        var item = page.GetProperty("items")[0];
        Assert.Equal("failed", item.GetProperty("status").GetString());
        Assert.Equal(DashboardFixture.Benxi, item.GetProperty("batchId").GetString());
        Assert.Contains("no claims in staging", item.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The record never started: loading the batch afterwards is not refused, and its run is a new one.
        var data = Generate(persons: 300, claims: 1_500, seed: 5);
        await LoadAsync(db, data, asOf: null);
        await using var conn = await db.OpenConnectionAsync();
        Assert.Equal(0L, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM staging_reject WHERE refused"));
        var run = await new BatchRunner(db, TimeProvider.System).RunBatchAsync(DashboardFixture.Benxi, new BatchRunOptions { Partitions = 2 });
        Assert.True(run.Succeeded, run.Format());
    }

    [Fact]
    public async Task Registry_TwoSnapshots_EachRunSettlesAgainstTheOneInForceAtItsStart_AndExplainShowsTheRowUsed()
    {
        var data = Generate(persons: 400, claims: 3_000, seed: 3);
        await using var db = await fixture.NewDatabaseAsync();
        var loader = new StagingLoader(db, TimeProvider.System);
        var march = WritePersons(data, "persons-2025-03-01.csv", row => row);
        var a = await loader.LoadPersonsAsync(march);
        Assert.Equal(new DateOnly(2025, 3, 1), a.AsOf);
        Assert.True(a.New > 0 && a.Changed == 0, $"{a}");
        await loader.LoadClaimsAsync(data.Claims);
        var runner = new BatchRunner(db, TimeProvider.System);
        var benxi = await runner.RunBatchAsync(DashboardFixture.Benxi, new BatchRunOptions { Partitions = 2 });
        Assert.True(benxi.Succeeded, benxi.Format());

        // April's snapshot: every Yingkou person's premium paid later (a changed row each), the rest unchanged.
        var april = WritePersons(data, "persons-2025-04-01.csv",
            row => row.Contains(",210800,", StringComparison.Ordinal) ? ShiftMonth(row, 1, 2) : row);
        var b = await loader.LoadPersonsAsync(april);
        Assert.Equal(new DateOnly(2025, 4, 1), b.AsOf);
        Assert.True(b.Changed > 0 && b.Unchanged > 0 && b.New == 0 && b.Rejected == 0, $"{b}");
        // A snapshot dated in the future is loaded but not in force for a run starting today.
        var future = WritePersons(data, "persons-future.csv", row => ShiftMonth(row, 2, 12));
        var c = await loader.LoadPersonsAsync(future, new DateOnly(2099, 1, 1));
        Assert.True(c.Changed > 0, $"{c}");

        var yingkou = await runner.RunBatchAsync(DashboardFixture.Yingkou, new BatchRunOptions { Partitions = 2 });
        Assert.True(yingkou.Succeeded, yingkou.Format());

        await using var conn = await db.OpenConnectionAsync();
        var runs = (await conn.QueryAsync<(long RunId, string BatchId, long Snapshot)>(
            "SELECT run_id, batch_id, registry_snapshot_id FROM run ORDER BY run_id")).ToList();
        Assert.Equal(a.SnapshotId, runs[0].Snapshot);
        Assert.Equal(c.SnapshotId, runs[1].Snapshot);
        // Yingkou's results were settled with April's rows: a claim of a changed person says so.
        var setl = await conn.QueryFirstAsync<string>(
            """
            SELECT r.setl_id FROM settlement_result r JOIN person_version v ON v.psn_no = r.psn_no AND v.year = r.year AND v.insutype = r.insutype
            WHERE r.batch_id = @batch AND v.snapshot_id = @snap AND r.claim_seq > 0 ORDER BY r.setl_id LIMIT 1
            """, new { batch = DashboardFixture.Yingkou, snap = b.SnapshotId });
        var text = await new ExplainQuery(db).ExplainAsync(setl);
        Assert.Contains("as of 2025-04-01", text, StringComparison.Ordinal);
        Assert.Contains($"snapshot {b.SnapshotId}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("as of 2099", text, StringComparison.Ordinal);
        // Benxi's run started before April was loaded: its claims were settled with March's rows.
        var benxiSetl = await conn.QueryFirstAsync<string>(
            "SELECT setl_id FROM settlement_result WHERE batch_id = @batch AND claim_seq > 0 ORDER BY setl_id LIMIT 1", new { batch = DashboardFixture.Benxi });
        Assert.Contains("as of 2025-03-01", await new ExplainQuery(db).ExplainAsync(benxiSetl), StringComparison.Ordinal);
        // The current registry (subsidies, assistance) is the latest version of each row.
        Assert.Equal(c.SnapshotId, await conn.ExecuteScalarAsync<long>("SELECT max(snapshot_id) FROM staging_person"));
    }

    [Fact]
    public async Task Api_WhileTheDatabaseIsDown_Answers503WithAJsonError_AndRecoversByItself()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bs-dbdown-" + Guid.NewGuid().ToString("N")[..10]);
        var options = new EmbeddedPostgresOptions { DataDir = dir, Durable = false };
        var pg = await EmbeddedPostgres.StartAsync(options);
        try
        {
            await using var db = await pg.CreateMigratedDatabaseAsync("down");
            await using var factory = new DashboardFactory(db);
            using var client = factory.ClientAs(DashboardFactory.Viewer);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/dashboard/api/database")).StatusCode);

            await pg.StopAsync();
            NpgsqlConnection.ClearAllPools();
            var runs = await client.GetAsync("/dashboard/api/runs");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, runs.StatusCode);
            var body = await runs.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(body.GetProperty("reachable").GetBoolean());
            Assert.StartsWith("database unreachable", body.GetProperty("error").GetString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/dashboard/api/database")).StatusCode);

            pg = await EmbeddedPostgres.StartAsync(options);
            var deadline = Stopwatch.GetTimestamp();
            HttpStatusCode status;
            do
            {
                status = (await client.GetAsync("/dashboard/api/runs")).StatusCode;
                if (status == HttpStatusCode.OK) break;
                await Task.Delay(250);
            }
            while (Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(30));
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    // ---- helpers shared with the browser test ----

    internal sealed record Data(string Dir, string Persons, string Claims);

    internal static Data Generate(int persons, long claims, ulong seed)
    {
        var (dir, p, c) = DashboardFixture.WriteMonth(persons, claims, seed);
        return new Data(dir, p, c);
    }

    internal static async Task LoadAsync(NpgsqlDataSource db, Data data, DateOnly? asOf)
    {
        var loader = new StagingLoader(db, TimeProvider.System);
        await loader.LoadPersonsAsync(data.Persons, asOf);
        await loader.LoadClaimsAsync(data.Claims);
    }

    /// <summary>Every 2025 date of month <paramref name="from"/> in the row moved to month <paramref name="to"/> (day at most 28).</summary>
    internal static string ShiftMonth(string row, int from, int to) =>
        System.Text.RegularExpressions.Regex.Replace(row, $",2025-{from:D2}-(\\d\\d)",
            m => $",2025-{to:D2}-{Math.Min(28, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)):D2}");

    /// <summary>The persons file again under another name, each data row passed through <paramref name="change"/>.</summary>
    internal static string WritePersons(Data data, string name, Func<string, string> change)
    {
        var lines = File.ReadAllLines(data.Persons);
        var path = Path.Combine(data.Dir, name);
        File.WriteAllLines(path, lines.Take(1).Concat(lines.Skip(1).Select(change)), new UTF8Encoding(false));
        return path;
    }

    /// <summary>Starts a CLI run of Benxi (small chunks, so it lasts), kills it with SIGKILL once claims are committed.</summary>
    internal static async Task<(long RunId, long KilledAt)> StartAndKillAsync(NpgsqlDataSource db)
    {
        using var cli = CliProcess.Start(db.ConnectionString, LeaseEnv,
            "run", "--batch", DashboardFixture.Benxi, "--partitions", "4", "--parallel", "2", "--chunk", "25");
        var deadline = Stopwatch.GetTimestamp();
        await using var conn = await db.OpenConnectionAsync();
        while (true)
        {
            Assert.False(cli.HasExited, "the run ended before it could be killed: " + cli.Output);
            var done = await conn.ExecuteScalarAsync<long?>(
                "SELECT sum(claims_done) FROM run_partition p JOIN run r ON r.run_id = p.run_id WHERE r.batch_id = @b AND r.status = 'running'",
                new { b = DashboardFixture.Benxi });
            if (done >= 500) break;
            Assert.True(Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromMinutes(2), "the run never got going: " + cli.Output);
            await Task.Delay(50);
        }

        cli.Kill();
        var killedAt = Stopwatch.GetTimestamp();
        var runId = await conn.ExecuteScalarAsync<long>("SELECT max(run_id) FROM run WHERE batch_id = @b", new { b = DashboardFixture.Benxi });
        Assert.Equal("running", await conn.ExecuteScalarAsync<string>("SELECT status FROM run WHERE run_id = @runId", new { runId }));
        return (runId, killedAt);
    }

    internal static async Task<JsonElement> WaitForStatusAsync(HttpClient client, long runId, string status, TimeSpan within)
    {
        var started = Stopwatch.GetTimestamp();
        JsonElement run = default;
        while (Stopwatch.GetElapsedTime(started) < within)
        {
            var d = await client.GetFromJsonAsync<JsonElement>($"/dashboard/api/runs/{runId}");
            run = d.GetProperty("live").GetProperty("run");
            if (run.GetProperty("status").GetString() == status) return run;
            await Task.Delay(200);
        }

        Assert.Fail($"run {runId} did not turn {status} within {within.TotalSeconds} s: {run}");
        return run;
    }
}
