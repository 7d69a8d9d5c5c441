using System.Diagnostics;
using BatchSettle.Data.Infrastructure;
using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary>
/// The README's scripts (ops/demo, ops/test, ops/setup, ops/bench) answer <c>--help</c> with their header comment and
/// start nothing: run with a <c>dotnet</c> and <c>apt-get</c> on PATH that only leave a mark, the mark must not appear.
/// A script without arguments refuses one it does not know instead of starting a ten-minute build.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // bash scripts and Unix file modes
public sealed class OpsScriptHelpTests
{
    private static readonly string Root = Checkout.FindRoot() ?? throw new InvalidOperationException("not in a checkout");

    [Theory]
    [InlineData("demo", "The product end to end on synthetic data")]
    [InlineData("test", "Builds (ops/setup) and runs every test project")]
    [InlineData("setup", "Installs what a fresh Debian machine lacks")]
    [InlineData("bench", "Throughput benchmark")]
    public void Script_Help_PrintsItsHeaderAndStartsNothing(string script, string firstWords)
    {
        foreach (string flag in new[] { "--help", "-h" })
        {
            var (rc, stdout, stderr, started) = Run(script, flag);
            Assert.True(rc == 0, $"ops/{script} {flag}: exit {rc}; {stderr}");
            Assert.StartsWith(firstWords, stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("#!/", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("set -euo", stdout, StringComparison.Ordinal);
            Assert.Equal("", started);
        }
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("test")]
    [InlineData("setup")]
    public void Script_UnknownArgument_RefusedBeforeAnythingStarts(string script)
    {
        var (rc, _, stderr, started) = Run(script, "--frobnicate");
        Assert.NotEqual(0, rc);
        Assert.Contains("takes no arguments", stderr, StringComparison.Ordinal);
        Assert.Contains("--frobnicate", stderr, StringComparison.Ordinal);
        Assert.Equal("", started);
    }

    private static (int Rc, string Stdout, string Stderr, string Started) Run(string script, string arg)
    {
        string bin = Directory.CreateTempSubdirectory("bs-opshelp-").FullName;
        try
        {
            string mark = Path.Combine(bin, "started");
            foreach (string tool in new[] { "dotnet", "apt-get", "sudo", "pg_ctl", "initdb" })
            {
                string path = Path.Combine(bin, tool);
                File.WriteAllText(path, $"#!/bin/sh\necho \"{tool} $*\" >> '{mark}'\nexit 1\n");
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var psi = new ProcessStartInfo("bash", [Path.Combine(Root, "ops", script), arg])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                WorkingDirectory = Path.GetTempPath(),
            };
            psi.Environment["PATH"] = bin + ":/usr/bin:/bin";
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            Assert.True(p.WaitForExit(30_000), $"ops/{script} {arg} still running after 30 s");
            return (p.ExitCode, stdout.Result, stderr.Result, File.Exists(mark) ? File.ReadAllText(mark) : "");
        }
        finally
        {
            Directory.Delete(bin, true);
        }
    }
}
