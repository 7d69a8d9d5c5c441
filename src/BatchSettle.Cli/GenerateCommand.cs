using System.Diagnostics;
using System.Globalization;
using System.Text;
using BatchSettle.Generator;

namespace BatchSettle.Cli;

/// <summary>
/// <c>batchsettle generate --persons N --claims M --seed S --out DIR [--month YYYY-MM]</c>: synthetic DIR/persons.csv and
/// DIR/claims.csv (CONTRACT.md), one batch per region for the month (default 2025-03).
/// </summary>
public static class GenerateCommand
{
    public const string Usage =
        "usage: batchsettle generate --persons N --claims M --seed S --out DIR [--month YYYY-MM]   (at most 10,000,000 persons, 50,000,000 claims)";

    /// <summary>Runs the verb; <paramref name="args"/> may start with "generate". Returns the process exit code.</summary>
    public static Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!TryParse(args, out var options, out string? outDir, out string? error))
        {
            Console.Error.WriteLine($"generate: {error}");
            Console.Error.WriteLine(Usage);
            return Task.FromResult(2);
        }
        // Sizes capped and free space checked before anything is written; the files appear only when complete.
        if (OutputFiles.Refusal(options, outDir) is { } refusal)
        {
            Console.Error.WriteLine($"generate: {refusal}; nothing written");
            return Task.FromResult(1);
        }
        var sw = Stopwatch.StartNew();
        GenerateStats stats;
        string personsPath, claimsPath;
        try
        {
            stats = OutputFiles.Write(options, outDir, out personsPath, out claimsPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"generate: {ex.Message}; nothing written");
            return Task.FromResult(1);
        }
        sw.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: {stats.PersonRows} person rows ({options.Persons} persons) -> {personsPath}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: {stats.ClaimRows} claims -> {claimsPath}: batches {BatchId("210500", options)} {stats.BenxiClaims}, {BatchId("210800", options)} {stats.YingkouClaims}; {stats.Reversals} reversals, {stats.Resubmissions} resubmissions, {stats.BadTotal} deliberately bad rows ({BadSummary(stats)})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generate: seed {options.Seed}, {sw.Elapsed.TotalSeconds:F1} s"));
        return Task.FromResult(0);
    }

    internal static string BatchId(string admdvs, in GenerateOptions o) =>
        string.Create(CultureInfo.InvariantCulture, $"{admdvs}-{o.Year:D4}-{o.Month:D2}");

    private static string BadSummary(GenerateStats s)
    {
        var sb = new StringBuilder();
        for (int k = 0; k < GenerateStats.BadKinds; k++)
        {
            if (k > 0) sb.Append(", ");
            sb.Append(((BadRowKind)k).ToString()).Append(' ').Append(s.Bad[k].ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    internal static bool TryParse(string[] args, out GenerateOptions options,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? outDir,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        options = default;
        outDir = null;
        error = null;
        int persons = -1;
        long claims = -1;
        ulong? seed = null;
        int year = 2025, month = 3;
        int i = args.Length > 0 && args[0] == "generate" ? 1 : 0;
        for (; i < args.Length; i++)
        {
            string a = args[i];
            if (i + 1 >= args.Length)
            {
                error = $"'{a}' needs a value";
                return false;
            }
            string v = args[++i];
            switch (a)
            {
                case "--persons":
                    if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out persons) || persons < 1)
                    {
                        error = $"--persons must be a whole number ≥ 1, got '{v}'";
                        return false;
                    }
                    break;
                case "--claims":
                    if (!long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out claims))
                    {
                        error = $"--claims must be a whole number ≥ 0, got '{v}'";
                        return false;
                    }
                    break;
                case "--seed":
                    if (ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong us)) seed = us;
                    else if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ls)) seed = unchecked((ulong)ls);
                    else
                    {
                        error = $"--seed must be an integer, got '{v}'";
                        return false;
                    }
                    break;
                case "--out":
                    outDir = v;
                    break;
                case "--month":
                    if (!DateOnly.TryParseExact(v + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var m)
                        || m.Year < 2000 || m.Year > 2099)
                    {
                        error = $"--month must be YYYY-MM between 2000 and 2099, got '{v}'";
                        return false;
                    }
                    year = m.Year;
                    month = m.Month;
                    break;
                default:
                    error = $"unknown option '{a}'";
                    return false;
            }
        }
        if (persons < 0 || claims < 0 || seed is null || string.IsNullOrEmpty(outDir))
        {
            error = "--persons, --claims, --seed and --out are required";
            outDir = null;
            return false;
        }
        options = new GenerateOptions(persons, claims, seed.Value, year, month);
        return true;
    }
}
