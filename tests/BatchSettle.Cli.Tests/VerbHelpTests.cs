using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary>
/// <c>batchsettle VERB --help</c> prints that verb's help (System.CommandLine's Description/Usage/Options, then an
/// example) and exits 0 before anything starts; typos and unknown options are usage errors (exit 2) with suggestions.
/// In process: --help starts nothing, so no database is needed (the process tests are in CliProcessTests).
/// </summary>
public sealed class VerbHelpTests
{
    public static TheoryData<string> Verbs => new()
    {
        "load", "run", "export", "explain", "reconcile", "generate", "subsidies", "assist-apply", "dashboard", "worker", "trigger",
        "status", "db", "db stop", "params", "params list", "period", "period list", "period close", "payments", "advance",
        "advance pay", "advance return", "advance offset", "year-end", "statements", "outstanding", "report",
        "report trial-balance", "report balance-sheet", "report income", "finance-export", "opening-balances", "health", "simulate",
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task RunAsync_VerbWithHelp_PrintsItsUsageWithAnExampleAndExitsZero(string verb)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        // Other options beside --help must not be acted on either (a worker with a port, a run with a batch).
        // (The old hand-written usage began "usage: batchsettle VERB"; System.CommandLine's help is "Usage:\n  batchsettle VERB [options]".)
        int rc = await CliApp.RunAsync([.. verb.Split(' '), "--batch", "210500-2025-03", "--help"], output, errors);

        Assert.Equal(0, rc);
        Assert.Contains($"Usage:\n  batchsettle {verb}", output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("Example:\n  batchsettle " + verb.Split(' ')[0], output.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("", errors.ToString());
    }

    [Fact]
    public async Task RunAsync_UnknownVerbWithHelp_ExitsTwoAndSuggests()
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["frobnicate", "--help"], output, errors));
        Assert.Contains("frobnicate", errors.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runn --batch 210500-2025-03", "'runn' was not matched", "run")]
    [InlineData("run --bach 210500-2025-03", "'--bach' was not matched", "--batch")]
    [InlineData("trigger --batch 210500-2025-03 --wiat", "'--wiat' was not matched", "--wait")]
    [InlineData("reconcile --btach 210500-2025-03", "'--btach' was not matched", "--batch")]
    [InlineData("worker --paralelism 2", "unrecognized option or argument '--paralelism'", "did you mean --parallelism")]
    public async Task RunAsync_Typo_ExitsTwoAndSuggests(string args, string error, string suggestion)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(args.Split(' '), output, errors));
        Assert.Contains(error, errors.ToString(), StringComparison.Ordinal);
        Assert.Contains(suggestion, errors.ToString(), StringComparison.Ordinal);
        Assert.Equal("", output.ToString());
    }

    [Theory]
    [InlineData("load --persons p.csv --frobnicate 1")]
    [InlineData("run --batch 210500-2025-03 --frobnicate")]
    [InlineData("export --batch 210500-2025-03 --results r.csv --frobnicate")]
    [InlineData("explain S1 S2")]
    [InlineData("trigger --batch 210500-2025-03 --frobnicate 1")]
    [InlineData("status --frobnicate")]
    [InlineData("params list --frobnicate")]
    [InlineData("period list --frobnicate")]
    [InlineData("dashboard --frobnicate")]
    [InlineData("worker stray")]
    [InlineData("run --batch 210500-2025-03 --partitions many")]
    [InlineData("params list --at 2025-13-01")]
    [InlineData("")]
    public async Task RunAsync_UnknownOptionOrBadValue_ExitsTwoBeforeStartingAnything(string args)
    {
        var errors = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(args.Length == 0 ? [] : args.Split(' '), new StringWriter(), errors));
        Assert.NotEqual("", errors.ToString());
    }

    [Fact]
    public async Task RunAsync_Version_PrintsTheInformationalVersion()
    {
        var output = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["--version"], output, new StringWriter()));
        Assert.Matches(@"^\d+\.\d+\.\d+", output.ToString());
    }

    [Fact]
    public async Task RunAsync_WorkerHostSettings_AreNotUsageErrors()
    {
        // --Section:Key=value is the .NET configuration command line: let through to the host (here only with --help,
        // which still starts nothing).
        var output = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["worker", "--Worker:ChunkClaims=50", "--Worker:NodeId", "n1", "--help"], output, new StringWriter()));
    }
}
