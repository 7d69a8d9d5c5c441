using System.Diagnostics;
using BatchSettle.Data.Infrastructure;

namespace BatchSettle.Data.Tests.Bench;

/// <summary>
/// ops/bench is too long for ops/test; this runs its harness (tests/BatchSettle.Benchmarks, built with the solution)
/// on a tiny data set so that it cannot rot: load, end-to-end child, envelope, naive, summary table.
/// </summary>
public sealed class BenchHarnessSmokeTests
{
    [Fact]
    public async Task BenchHarness_TinyDataSet_PrintsSummaryWithRatios()
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
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[dll, "run", "--data", data.Dir, "--naive", "20", "--work", work]) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            string output = await stdout + await stderr;
            Assert.True(p.ExitCode == 0, output);
            Assert.Contains("e2e/env", output, StringComparison.Ordinal);
            Assert.Contains("end-to-end", output, StringComparison.Ordinal);
            Assert.Contains("envelope", output, StringComparison.Ordinal);
            Assert.Contains("naive", output, StringComparison.Ordinal);
        }
        finally
        {
            await Data.Embedded.EmbeddedPostgres.StopAsync(Path.Combine(work, "pg"));
            try { Directory.Delete(work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
