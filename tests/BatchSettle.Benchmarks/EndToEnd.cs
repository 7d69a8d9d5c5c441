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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"E2E claims={claims} seconds={sw.Elapsed.TotalSeconds:F3} hwm_kb={PeakRssKb()} alloc={alloc} cpu={cpu:F3}"));
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
