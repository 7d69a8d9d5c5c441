using System.Diagnostics;
using System.Globalization;
using BatchSettle.Data.Infrastructure;
using BatchSettle.Data.Runs;
using Dapper;

namespace BatchSettle.Benchmarks;

/// <summary>
/// The end-to-end run in a child process of its own, so that its peak resident memory (VmHWM) is the run's and not
/// the harness's: settles every batch in staging with the product's BatchRunner and prints one result line.
/// </summary>
internal static class EndToEnd
{
    public static async Task<int> ChildMainAsync(string[] args)
    {
        var a = new BenchArgs(args);
        await using var ds = BatchSettleDatabase.CreateDataSource(a.Require("conn"), "bench-e2e");
        List<string> batches;
        await using (var c = await ds.OpenConnectionAsync())
        {
            batches = (await c.QueryAsync<string>("SELECT DISTINCT batch_id FROM staging_claim ORDER BY 1")).ToList();
        }
        var runner = new BatchRunner(ds, TimeProvider.System);
        var options = new BatchRunOptions { Partitions = a.Int("partitions", 2), Parallelism = a.Int("parallelism", Environment.ProcessorCount) };
        long claims = 0;
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        foreach (var b in batches)
        {
            var s = await runner.RunBatchAsync(b, options);
            if (!s.Succeeded) throw new InvalidOperationException($"run of {b} failed: {s.Error}");
            claims += s.Claims;
        }
        sw.Stop();
        long alloc = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        // Just-in-time compilation in the process so far (all threads; the child is cold, the envelope runs warm in the
        // harness): the run's fixed start-up cost, which a 1M run carries for 4–6 % of its time (docs/PERFORMANCE.md).
        double jitMs = System.Runtime.JitInfo.GetCompilationTime(currentThread: false).TotalMilliseconds;
        long jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"E2E claims={claims} seconds={sw.Elapsed.TotalSeconds:F3} hwm_kb={PeakRssKb()} alloc={alloc} cpu={cpu:F3} jit_ms={jitMs:F0} jit_methods={jitMethods}"));
        return 0;
    }

    /// <summary>
    /// Issue 15's phase, a child process of its own run right after the end-to-end child on the same database (so the
    /// run's CPU, WAL and peak memory are the run's alone): a policy simulation of every region-year the claims cover,
    /// both sides (policy in force, and policy + a draft restating one row), with the run's partitions and
    /// parallelism. Prints "SIM claims=… seconds=… total_seconds=… hwm_kb=… region_years=…": seconds are the settling
    /// sides (simulation.baseline_ms + draft_ms); total_seconds is what `simulate` takes, report included. The harness divides by the pair's
    /// end-to-end seconds: target ≤ ~2.5.
    /// </summary>
    public static async Task<int> SimChildMainAsync(string[] args)
    {
        var a = new BenchArgs(args);
        await using var ds = BatchSettleDatabase.CreateDataSource(a.Require("conn"), "bench-sim");
        const string Draft =
            "id,rule_id,key,qualifier,admdvs,insutype,value,unit,effective_from,effective_to,provenance,citation,note\n"
            + "900001,BX-IP-05,pool.cap,,210500,,8000000,fen,2025-01-01,2025-12-31,stated,本医保发〔2022〕26号 第三部分,draft: bench (same as in force)\n";
        List<(string Admdvs, int Year)> regionYears;
        await using (var c = await ds.OpenConnectionAsync())
        {
            regionYears = (await c.QueryAsync<(string, int)>(
                "SELECT DISTINCT admdvs, extract(year FROM enddate)::int FROM staging_claim WHERE admdvs IN ('210500', '210800') ORDER BY 1, 2")).ToList();
        }
        var sim = new BatchSettle.Data.Simulation.Simulator(ds, TimeProvider.System);
        int partitions = a.Int("partitions", 2), parallelism = a.Int("parallelism", Environment.ProcessorCount);
        long ms = 0, claims = 0;
        var wall = new Stopwatch();
        foreach (var (admdvs, year) in regionYears)
        {
            wall.Start();
            long id = await sim.RunAsync(new BatchSettle.Data.Simulation.SimulationRequest(admdvs, year, Draft, "bench-draft.csv")
            {
                Partitions = partitions,
                Parallelism = parallelism,
            });
            wall.Stop();
            await using var c = await ds.OpenConnectionAsync();
            var (sideMs, n) = await c.QuerySingleAsync<(long, long)>(
                "SELECT baseline_ms + draft_ms, claims FROM simulation WHERE sim_id = @id", new { id });
            ms += sideMs;
            claims += n;
            await sim.DropAsync(id);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SIM claims={claims} seconds={ms / 1000.0:F3} total_seconds={wall.Elapsed.TotalSeconds:F3} hwm_kb={PeakRssKb()} region_years={regionYears.Count}"));
        return 0;
    }

    /// <summary>VmHWM of this process (kB), from /proc/self/status; 0 where there is none.</summary>
    public static long PeakRssKb()
    {
        if (!File.Exists("/proc/self/status")) return 0;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
            return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
