using System.Diagnostics;
using System.Globalization;
using System.Text;
using BatchSettle.Data.Export;

namespace BatchSettle.Benchmarks;

/// <summary>
/// Memory of the XLSX export (issue 14 item 5): writes a results-shaped sheet (the 24 columns of
/// <c>export --results r.xlsx</c>: ids and codes as text, money numeric, a totals row) of N rows through
/// <see cref="XlsxWriter"/>, each size in a child process of its own so that its peak resident memory (VmHWM) is that
/// size's alone, and reports per size the time, the peak managed heap (sampled every 20 ms), the peak RSS and the file
/// size, then the ratio of the largest size to the smallest: rows ×10 with memory ×≈1 is a flat (streaming) writer;
/// memory that grows with the rows shows here as a ratio near the row ratio. The rows are generated in the child (no
/// database), so this measures the writer the export streams into, not the query that feeds it.
/// <c>ops/bench --xlsx [N1,N2]</c> (default 500000,5000000).
/// </summary>
internal static class XlsxMemory
{
    private static readonly CultureInfo Ic = CultureInfo.InvariantCulture;

    /// <summary>The product's own results columns, so the sheet measured is the one `export r.xlsx` writes.</summary>
    private static readonly XlsxColumn[] Columns = FinanceExporter.ResultColumns;

    public sealed record Measure(long Rows, double Seconds, long HeapPeakBytes, long HwmKb, long FileBytes);

    /// <summary>The parent: one child per size, then the table and the ratio.</summary>
    public static async Task<int> MainAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var sizes = (a.Get("rows") ?? "500000,5000000").Split(',').Select(s => long.Parse(s, Ic)).ToArray();
        string work = a.Get("work") ?? Path.Combine(Path.GetTempPath(), "bs-xlsx-bench");
        Directory.CreateDirectory(work);
        var results = new List<Measure>();
        foreach (long rows in sizes)
        {
            string path = Path.Combine(work, string.Create(Ic, $"results-{rows}.xlsx"));
            var m = await RunChildAsync(rows, path);
            File.Delete(path);
            Console.WriteLine(string.Create(Ic,
                $"xlsx {m.Rows:N0} rows: {m.Seconds:F1} s ({m.Rows / Math.Max(m.Seconds, 1e-9):F0} rows/s), peak managed heap {m.HeapPeakBytes / 1048576.0:F1} MiB, peak RSS {m.HwmKb / 1024.0:F1} MiB, file {m.FileBytes / 1048576.0:F1} MiB"));
            results.Add(m);
        }
        Console.WriteLine(Table(results));
        return 0;
    }

    public static string Table(IReadOnlyList<Measure> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| xlsx rows | seconds | rows/s | peak managed heap | peak RSS | file |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var m in results)
        {
            sb.AppendLine(string.Create(Ic,
                $"| {m.Rows:N0} | {m.Seconds:F1} | {m.Rows / Math.Max(m.Seconds, 1e-9):F0} | {m.HeapPeakBytes / 1048576.0:F1} MiB | {m.HwmKb / 1024.0:F1} MiB | {m.FileBytes / 1048576.0:F1} MiB |"));
        }
        if (results.Count >= 2)
        {
            var small = results.MinBy(m => m.Rows)!;
            var big = results.MaxBy(m => m.Rows)!;
            sb.AppendLine(string.Create(Ic,
                $"xlsx ratio largest/smallest: rows ×{(double)big.Rows / small.Rows:F1}, peak managed heap ×{(double)big.HeapPeakBytes / Math.Max(1, small.HeapPeakBytes):F2}, peak RSS ×{(double)big.HwmKb / Math.Max(1, small.HwmKb):F2}, file ×{(double)big.FileBytes / Math.Max(1, small.FileBytes):F1}"));
        }
        return sb.ToString();
    }

    private static async Task<Measure> RunChildAsync(long rows, string path)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(typeof(XlsxMemory).Assembly.Location);
        foreach (var s in (string[])["xlsx-child", "--rows", rows.ToString(Ic), "--path", path]) psi.ArgumentList.Add(s);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the xlsx child");
        string output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("XLSX ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"xlsx child ({rows} rows) exited {p.ExitCode} without a result:\n{output}");
        var f = line[5..].Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
        return new Measure(long.Parse(f["rows"], Ic), double.Parse(f["seconds"], Ic), long.Parse(f["heap_peak"], Ic), long.Parse(f["hwm_kb"], Ic),
            long.Parse(f["bytes"], Ic));
    }

    /// <summary>The child: writes the sheet, samples the managed heap while it does, prints one XLSX line.</summary>
    public static int ChildMain(string[] args)
    {
        var a = new BenchArgs(args);
        long rows = long.Parse(a.Require("rows"), Ic);
        string path = a.Require("path");
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                long h = GC.GetTotalMemory(false);
                if (h > peak) peak = h;
                Thread.Sleep(20);
            }
        }) { IsBackground = true };
        sampler.Start();
        var sw = Stopwatch.StartNew();
        using (var w = XlsxWriter.Create(path, "结算结果"))
        {
            w.Title("医保结算结果明细", "编制单位：本溪市 (210500)", "批次：210500-2025-03", "单位：元");
            w.Header(Columns);
            var v = new object?[Columns.Length];
            for (long i = 0; i < rows; i++)
            {
                // A 22-digit setl_id and 16-digit psn_no as in the generator; amounts vary so the sheet does not compress to nothing.
                v[0] = string.Create(Ic, $"210500202503{i:D10}");
                v[1] = string.Create(Ic, $"2105{i % 1_000_000:D12}");
                v[2] = "210500-2025-03";
                v[3] = "210500";
                v[4] = i % 3 == 0 ? "310" : "390";
                v[5] = (i % 4) switch { 0 => "21", 1 => "11", 2 => "14", _ => "52" };
                v[6] = string.Create(Ic, $"H2105{i % 400:D4}");
                v[7] = "settled";
                v[8] = null;
                long fee = 10_000 + (i * 7_919 % 2_000_000);
                for (int c = 9; c <= 22; c++) v[c] = c == 16 ? "65.00%" : fee / (c - 7);
                v[23] = "false";
                w.Row(v);
            }
            w.Totals();
            w.Complete();
        }
        sw.Stop();
        stop.Cancel();
        sampler.Join();
        long heap = Math.Max(peak, GC.GetGCMemoryInfo().HeapSizeBytes);
        Console.WriteLine(string.Create(Ic,
            $"XLSX rows={rows} seconds={sw.Elapsed.TotalSeconds:F3} heap_peak={heap} hwm_kb={EndToEnd.PeakRssKb()} bytes={new FileInfo(path).Length}"));
        return 0;
    }
}
