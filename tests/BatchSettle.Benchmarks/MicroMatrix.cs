using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BatchSettle.Benchmarks;

/// <summary>
/// ops/bench --micro: the calculator benchmark (<see cref="CalculatorBenchmark"/>, BenchmarkDotNet in-process) in
/// several runtime configurations, each in a process of its own with its own DOTNET_* settings, round by round
/// (config 1, 2, …, then again) so that a slow minute of the machine spreads over all of them rather than deciding one.
/// Prints each configuration's median over the rounds of BenchmarkDotNet's median ns per claim, its min–max, and the
/// bytes allocated per claim. It measures candidates for the worker's settings; it changes none of them
/// (src/BatchSettle.Cli/BatchSettle.Cli.csproj decides).
/// </summary>
internal static class MicroMatrix
{
    /// <summary>One BenchmarkDotNet ShortRun in its own process, on a quiet 2-core machine (for the expected duration).</summary>
    public const double SecondsPerRun = 25;

    /// <summary>Name, what it is, the environment it runs with (every other tiering/R2R variable removed), and whether
    /// it runs the ReadyToRun-compiled copy of the benchmark (ops/bench publishes it; BatchSettle.Core and
    /// BatchSettle.Data precompiled).</summary>
    public static readonly (string Name, string Description, (string Key, string Value)[] Env, bool R2R)[] Configurations =
    [
        ("worker", "as the worker runs it today: TieredCompilation=0 (everything JIT-compiled optimised once, no dynamic PGO)", [("DOTNET_TieredCompilation", "0")], false),
        ("tiered", ".NET's defaults (BenchmarkDotNet's): tiered compilation, dynamic PGO", [], false),
        ("tiered-nopgo", "tiered compilation without dynamic PGO: TieredPGO=0", [("DOTNET_TieredPGO", "0")], false),
        ("tiered-loops-opt", "tiered, but methods with loops compiled optimised at once (no tier 0 / OSR): TC_QuickJitForLoops=0", [("DOTNET_TC_QuickJitForLoops", "0")], false),
        ("r2r-tiered", "ReadyToRun Core + Data, tiered compilation kept (R2R code first, hot methods re-JITted at tier 1 with PGO)", [], true),
        ("r2r-tc0", "ReadyToRun Core + Data, TieredCompilation=0 (R2R code is used as is where present, never re-JITted)", [("DOTNET_TieredCompilation", "0")], true),
    ];

    private static readonly string[] Cleared =
        ["DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_ReadyToRun", "DOTNET_TC_QuickJitForLoops", "DOTNET_OSR_HitLimit", "DOTNET_TC_QuickJit",
         "COMPlus_TieredCompilation", "COMPlus_TieredPGO", "COMPlus_ReadyToRun", "COMPlus_TC_QuickJitForLoops"];

    /// <summary>micro-matrix [--rounds N] [--configs a,b] [--r2r DIR]</summary>
    public static Task<int> MainAsync(string[] args)
    {
        var a = new BenchArgs(args);
        var names = a.Get("configs")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? Configurations.Select(c => c.Name).ToArray();
        return RunAsync(a.Int("rounds", 3), a.Get("r2r"), names);
    }

    public static async Task<int> RunAsync(int rounds, string? r2rDir, string[] names)
    {
        var unknown = names.Where(n => Configurations.All(c => c.Name != n)).ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"unknown configuration(s) {string.Join(", ", unknown)}; known: {string.Join(", ", Configurations.Select(c => c.Name))}");
            return 2;
        }
        string self = typeof(MicroMatrix).Assembly.Location;
        string? r2rDll = r2rDir is null ? null : Path.Combine(Path.GetFullPath(r2rDir), Path.GetFileName(self));
        var configs = Configurations.Where(c => names.Contains(c.Name)).ToArray();
        var skipped = configs.Where(c => c.R2R && (r2rDll is null || !File.Exists(r2rDll))).Select(c => c.Name).ToHashSet();
        if (skipped.Count > 0) BenchRun.Log($"skipped (no ReadyToRun build; ops/bench --micro publishes one): {string.Join(", ", skipped)}");
        var runs = configs.ToDictionary(c => c.Name, _ => new List<(double Median, long Alloc, bool R2RCore)>());
        int failures = 0;
        var ic = CultureInfo.InvariantCulture;
        BenchRun.Log(string.Create(ic, $"calculator: {configs.Length - skipped.Count} configuration(s) × {rounds} round(s), ~{Math.Ceiling((configs.Length - skipped.Count) * rounds * SecondsPerRun / 60)} min on a quiet machine; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
        for (int round = 1; round <= rounds; round++)
        {
            foreach (var c in configs)
            {
                if (skipped.Contains(c.Name)) continue;
                var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var k in Cleared) psi.Environment.Remove(k);
                foreach (var (k, v) in c.Env) psi.Environment[k] = v;
                psi.ArgumentList.Add(c.R2R ? r2rDll! : self);
                foreach (var s in (string[])["micro", "--filter", "*"]) psi.ArgumentList.Add(s);
                using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the calculator benchmark");
                var err = p.StandardError.ReadToEndAsync();
                string output = await p.StandardOutput.ReadToEndAsync();
                await p.WaitForExitAsync();
                var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("MICRO ", StringComparison.Ordinal));
                if (p.ExitCode != 0 || line is null)
                {
                    failures++;
                    Console.WriteLine($"{c.Name} round {round} failed ({p.ExitCode}):\n{output}\n{await err}");
                    continue;
                }
                var kv = line[6..].Trim().Split(' ').Select(x => x.Split('=')).ToDictionary(x => x[0], x => x[1]);
                var r = (double.Parse(kv["median_ns"], ic), long.Parse(kv["alloc"], ic), kv["r2r_core"] == "True");
                runs[c.Name].Add(r);
                BenchRun.Log(string.Create(ic, $"calculator {c.Name} round {round}: median {r.Item1:F1} ns/claim, {r.Item2} B/claim allocated (load average {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))})"));
                if (c.R2R != r.Item3)
                {
                    failures++;
                    Console.WriteLine($"{c.Name}: BatchSettle.Core {(r.Item3 ? "is" : "is not")} ReadyToRun-compiled in this build; the configuration is not what it says");
                }
            }
        }
        var sb = new StringBuilder();
        sb.AppendLine("| calculator configuration | runtime settings | median ns / claim | min–max over runs | allocated / claim |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var c in configs)
        {
            var v = runs[c.Name];
            if (v.Count == 0) continue;
            var s = Spread.Of(v.Select(x => x.Median));
            sb.AppendLine(string.Create(ic, $"| {c.Name} | {c.Description} | {s.Median:F1} | {s.Min:F1}–{s.Max:F1} ({s.Count} runs) | {v.Max(x => x.Alloc)} B |"));
        }
        Console.WriteLine();
        Console.Write(sb.ToString());
        return failures == 0 ? 0 : 1;
    }
}
