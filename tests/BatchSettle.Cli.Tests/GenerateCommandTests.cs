using Xunit;
using BatchSettle.Generator;

namespace BatchSettle.Cli.Tests;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bs-gen-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private async Task<string> Generate(ulong seed, string name)
    {
        string dir = Path.Combine(_root, name);
        int rc = await GenerateCommand.RunAsync(
            ["generate", "--persons", "2000", "--claims", "10000", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", dir]);
        Assert.Equal(0, rc);
        return dir;
    }

    [Fact]
    public async Task RunAsync_SameSeed_ByteIdenticalFiles()
    {
        string a = await Generate(42, "a");
        string b = await Generate(42, "b");
        foreach (string f in new[] { "persons.csv", "claims.csv" })
        {
            byte[] x = await File.ReadAllBytesAsync(Path.Combine(a, f));
            byte[] y = await File.ReadAllBytesAsync(Path.Combine(b, f));
            Assert.True(x.Length > 1000);
            Assert.Equal(x, y);
        }
    }

    [Fact]
    public async Task RunAsync_DifferentSeed_FilesDiffer()
    {
        string a = await Generate(42, "a");
        string b = await Generate(43, "b");
        Assert.NotEqual(await File.ReadAllBytesAsync(Path.Combine(a, "claims.csv")), await File.ReadAllBytesAsync(Path.Combine(b, "claims.csv")));
        Assert.NotEqual(await File.ReadAllBytesAsync(Path.Combine(a, "persons.csv")), await File.ReadAllBytesAsync(Path.Combine(b, "persons.csv")));
    }

    [Fact]
    public async Task RunAsync_File_IsUtf8WithoutBomAndLfLines()
    {
        string a = await Generate(5, "a");
        byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(a, "claims.csv"));
        Assert.Equal((byte)'b', bytes[0]); // "batch_id", no BOM
        Assert.DoesNotContain((byte)'\r', bytes);
    }

    [Theory]
    [InlineData("--persons 10 --claims 10 --seed 1")]
    [InlineData("--persons 0 --claims 10 --seed 1 --out x")]
    [InlineData("--persons 10 --claims 10 --seed 1 --out x --month 2025-13")]
    [InlineData("--persons 10 --claims 10 --seed 1 --out x --bogus 1")]
    [InlineData("--persons")]
    public async Task RunAsync_BadArguments_ExitCode2(string args)
    {
        Assert.Equal(2, await GenerateCommand.RunAsync(args.Split(' ')));
    }

    [Fact]
    public void TryParse_NegativeSeedAndMonth_Accepted()
    {
        Assert.True(GenerateCommand.TryParse(["--persons", "5", "--claims", "0", "--seed", "-3", "--out", "d", "--month", "2024-11"],
            out var o, out string? dir, out _));
        Assert.Equal("d", dir);
        Assert.Equal(unchecked((ulong)-3L), o.Seed);
        Assert.Equal((2024, 11), (o.Year, o.Month));
    }

    [Theory]
    [InlineData("--persons", "10000001", "--claims", "10", "--persons 10,000,001 is above the cap of 10,000,000")]
    [InlineData("--persons", "10", "--claims", "50000001", "--claims 50,000,001 is above the cap of 50,000,000")]
    public async Task RunAsync_AboveTheCap_Exit1_NothingWritten(string o1, string v1, string o2, string v2, string message)
    {
        string dir = Path.Combine(_root, "cap");
        var err = new StringWriter();
        var saved = Console.Error;
        Console.SetError(err);
        try
        {
            Assert.Equal(1, await GenerateCommand.RunAsync(["generate", o1, v1, o2, v2, "--seed", "1", "--out", dir]));
        }
        finally
        {
            Console.SetError(saved);
        }
        Assert.Contains(message, err.ToString(), StringComparison.Ordinal);
        Assert.Contains("nothing written", err.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Refusal_NotEnoughFreeSpace_SaysHowMuchIsNeededAndFree()
    {
        var o = new GenerateOptions(1_000_000, 5_000_000, 1, 2025, 3);
        Assert.Equal(5_000_000L * 200 + 1_000_000L * 120, OutputFiles.EstimateBytes(o));
        string? refusal = OutputFiles.Refusal(o, Path.Combine(_root, "not", "yet"), path =>
        {
            Assert.True(Directory.Exists(path)); // the nearest folder that exists is asked
            return 500L << 20;
        });
        Assert.Equal($"not enough free space in {Path.GetTempPath().TrimEnd('/')}: about 1084 MiB needed (5,000,000 claims, 1,000,000 persons), 500 MiB free", refusal);
        Assert.Null(OutputFiles.Refusal(o, _root, _ => 2L << 30));
        // The real check on this machine: a small data set fits.
        Assert.Null(OutputFiles.Refusal(new GenerateOptions(10, 10, 1, 2025, 3), _root));
    }

    [Fact]
    public async Task RunAsync_WriteFails_Exit1_NoHalfWrittenFiles()
    {
        string dir = Path.Combine(_root, "fail");
        Directory.CreateDirectory(Path.Combine(dir, "claims.csv")); // the final rename cannot replace a folder
        Assert.Equal(1, await GenerateCommand.RunAsync(["generate", "--persons", "50", "--claims", "200", "--seed", "1", "--out", dir]));
        Assert.False(File.Exists(Path.Combine(dir, "persons.csv")));
        Assert.Empty(Directory.GetFiles(dir));
        // A good run afterwards leaves exactly the two files.
        string ok = Path.Combine(_root, "ok");
        Assert.Equal(0, await GenerateCommand.RunAsync(["generate", "--persons", "50", "--claims", "200", "--seed", "1", "--out", ok]));
        Assert.Equal(["claims.csv", "persons.csv"], Directory.GetFiles(ok).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
