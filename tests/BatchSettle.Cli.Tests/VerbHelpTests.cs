using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary><c>batchsettle VERB --help</c> prints that verb's usage and exits 0 before anything starts.</summary>
public sealed class VerbHelpTests
{
    [Theory]
    [InlineData("load")]
    [InlineData("run")]
    [InlineData("export")]
    [InlineData("explain")]
    [InlineData("reconcile")]
    [InlineData("generate")]
    [InlineData("subsidies")]
    [InlineData("assist-apply")]
    [InlineData("dashboard")]
    [InlineData("worker")]
    [InlineData("trigger")]
    [InlineData("db")]
    [InlineData("period")]
    [InlineData("payments")]
    [InlineData("advance")]
    [InlineData("year-end")]
    [InlineData("statements")]
    [InlineData("outstanding")]
    [InlineData("report")]
    [InlineData("finance-export")]
    [InlineData("simulate")]
    public async Task RunAsync_VerbWithHelp_PrintsItsUsageAndExitsZero(string verb)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        // Other options beside --help must not be acted on either (a worker with a port, a run with a batch).
        int rc = await CliApp.RunAsync([verb, "--batch", "210500-2025-03", "--help"], output, errors);

        Assert.Equal(0, rc);
        Assert.StartsWith($"usage: batchsettle {verb} ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"  {verb}", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("", errors.ToString());
    }

    [Fact]
    public async Task RunAsync_UnknownVerbWithHelp_ExitsTwo()
    {
        var errors = new StringWriter();
        Assert.Equal(2, await CliApp.RunAsync(["frobnicate", "--help"], new StringWriter(), errors));
        Assert.Contains("unknown verb 'frobnicate'", errors.ToString(), StringComparison.Ordinal);
    }
}
