using System.Diagnostics;
using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Data.Tests.Bench;

/// <summary>
/// ops/bench is too long for ops/test; this runs its harness (tests/BatchSettle.Benchmarks, built with the solution)
/// on a tiny data set so that it cannot rot: load into a template, two alternating pairs on fresh copies of it
/// (end-to-end child, simulation child, envelope, naive), the CPU and WAL meters, and the summary tables with medians and min–max.
/// </summary>
public sealed class BenchHarnessSmokeTests
{
    [Fact]
    public async Task BenchHarness_TinyDataSet_TwoPairs_PrintsMedianTablesWithCostsPerClaim()
    {
        string root = Checkout.FindRoot() ?? throw new InvalidOperationException("not in a checkout");
        string config = typeof(BenchHarnessSmokeTests).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        string dll = Path.Combine(root, "tests", "BatchSettle.Benchmarks", "bin", config, "net10.0", "BatchSettle.Benchmarks.dll");
        Assert.True(File.Exists(dll), $"{dll} not built (build the solution)");
        using var data = new TestData();
        data.Standard(40);
        // Not CreateTempSubdirectory: its 0700 folder would keep the postgres service user out (see EmbeddedPostgres).
        string work = Path.Combine(Path.GetTempPath(), "bs-bench-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            string output = await RunAsync(dll, data.Dir, work);
            // Both pairs ran every phase, each on its own copy of the loaded database.
            Assert.Contains("loading into bench_", output, StringComparison.Ordinal);
            for (int pair = 1; pair <= 2; pair++)
            {
                Assert.Contains($"pair {pair}/2: fresh copy", output, StringComparison.Ordinal);
                Assert.Contains($"pair {pair}: end-to-end", output, StringComparison.Ordinal);
                Assert.Contains($"pair {pair}: envelope", output, StringComparison.Ordinal);
                Assert.Contains($"pair {pair}: naive", output, StringComparison.Ordinal);
            }
            Assert.Contains("load average", output, StringComparison.Ordinal);
            Assert.Contains("at commit test-commit", output, StringComparison.Ordinal);

            // The README's table: one row for the data set, 2 pairs, ratios as "median (min–max)".
            var summary = Row(output, "| data | claims | pairs |");
            Assert.Equal("2", summary[3]);
            Assert.Matches(@"^\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)$", summary[7]);
            Assert.Matches(@"^\d+\.\d \(\d+\.\d–\d+\.\d\)$", summary[8]);

            // Costs per claim, run and envelope: PostgreSQL did work in both, and both wrote WAL.
            var runCost = Row(output, "| data | phase |", "end-to-end");
            var envCost = Row(output, "| data | phase |", "envelope");
            foreach (var row in (string[][])[runCost, envCost])
            {
                Assert.Matches(@"^\d+\.\d µs", row[3]);
                Assert.True(double.Parse(row[4].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) > 0, string.Join('|', row));
                Assert.True(long.Parse(row[6].Split(' ')[0].Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) > 0, string.Join('|', row));
            }

            // Every pair's row ends with the machine's cores busy / iowait / steal during the run and the envelope:
            // something was busy in both (the run's child, PostgreSQL), and no more than the machine's cores.
            var pairRow = Row(output, "| data | pair |");
            foreach (var cores in pairRow[^3..^1])
            {
                Assert.Matches(@"^\d+\.\d\d / \d+\.\d\d / \d+\.\d\d$", cores);
                double busy = double.Parse(cores.Split(" / ")[0], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(busy > 0 && busy <= Environment.ProcessorCount + 0.05, string.Join('|', pairRow));
            }

            // The run seal's cost, same run: seconds, share of the run, claims/s sealed and unsealed, their ratio (≤ 1).
            for (int pair = 1; pair <= 2; pair++)
            {
                Assert.Contains($"pair {pair}: seal ", output, StringComparison.Ordinal);
            }
            var seal = Row(output, "| data | seal seconds |");
            Assert.Matches(@"^\d+\.\d\d s \(\d+\.\d\d–\d+\.\d\d\)$", seal[2]);
            double sealedOverUnsealed = double.Parse(seal[6].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(sealedOverUnsealed is > 0 and <= 1, string.Join('|', seal));

            // Issue 15: the simulation (both sides) of the same claims in a child of its own after each run, and its
            // time per claim over the run's, median and spread over the pairs.
            for (int pair = 1; pair <= 2; pair++)
            {
                Assert.Contains($"pair {pair}: simulation (both sides) of ", output, StringComparison.Ordinal);
            }
            var sim = Row(output, "| data | claims simulated |");
            Assert.Matches(@"^[1-9][\d,]* of [\d,]+$", sim[2]);
            Assert.Matches(@"^\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)$", sim[5]);

            // A second invocation reuses the loaded database instead of loading again.
            string again = await RunAsync(dll, data.Dir, work, "--pairs", "1");
            Assert.Contains("reusing the loaded database", again, StringComparison.Ordinal);
            Assert.DoesNotContain("loading into", again, StringComparison.Ordinal);
        }
        finally
        {
            await Data.Embedded.EmbeddedPostgres.StopAsync(Path.Combine(work, "pg"));
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The XLSX memory measurement (ops/bench --xlsx) at tiny sizes: a row per size and the ratio line.</summary>
    [Fact]
    public async Task XlsxMemory_TwoSizes_ReportsPeakHeapAndRssAndTheirRatio()
    {
        string root = Checkout.FindRoot() ?? throw new InvalidOperationException("not in a checkout");
        string config = typeof(BenchHarnessSmokeTests).Assembly.Location.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        string dll = Path.Combine(root, "tests", "BatchSettle.Benchmarks", "bin", config, "net10.0", "BatchSettle.Benchmarks.dll");
        Assert.True(File.Exists(dll), $"{dll} not built (build the solution)");
        string work = Path.Combine(Path.GetTempPath(), "bs-xlsx-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[dll, "xlsx", "--rows", "1000,10000", "--work", work]) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            string output = await stdout + await stderr;
            Assert.True(p.ExitCode == 0, output);
            var small = Row(output, "| xlsx rows |");
            Assert.Equal("1,000", small[1]);
            Assert.Matches(@"^\d+\.\d MiB$", small[4]);
            Assert.Matches(@"^\d+\.\d MiB$", small[5]);
            Assert.Matches(@"xlsx ratio largest/smallest: rows ×10\.0, peak managed heap ×\d+\.\d\d, peak RSS ×\d+\.\d\d, file ×\d+\.\d", output);
            Assert.Empty(Directory.GetFiles(work, "*.xlsx"));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static async Task<string> RunAsync(string dll, string dataDir, string work, params string[] extra)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[dll, "run", "--data", dataDir, "--naive", "20", "--pairs", "2", "--work", work, "--commit", "test-commit", .. extra])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        string output = await stdout + await stderr;
        Assert.True(p.ExitCode == 0, output);
        return output;
    }

    /// <summary>The cells of the first markdown row after the table whose header starts with <paramref name="header"/>
    /// (and whose second cell is <paramref name="second"/>, when given).</summary>
    private static string[] Row(string output, string header, string? second = null)
    {
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        int h = lines.FindIndex(l => l.StartsWith(header, StringComparison.Ordinal));
        Assert.True(h >= 0, $"no table {header} in:\n{output}");
        foreach (var line in lines.Skip(h + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (second is null || cells[2] == second) return cells;
        }
        throw new Xunit.Sdk.XunitException($"no row {second} in table {header}:\n{output}");
    }
}
