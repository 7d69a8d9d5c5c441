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
}
