using System.Globalization;
using System.Text;

namespace BatchSettle.Generator;

/// <summary>
/// Writes the generator's two files safely: sizes above <see cref="MaxPersons"/> / <see cref="MaxClaims"/> are
/// refused, free space is checked against an estimate before anything is written, and the files are written under
/// temporary names and renamed only when both are complete — a failure (disk full, Ctrl-C) leaves no half-written
/// persons.csv or claims.csv, and an earlier good pair in the folder untouched.
/// </summary>
internal static class OutputFiles
{
    /// <summary>Largest <c>--persons</c>: 10,000,000 (~1.2 GB of persons.csv).</summary>
    public const int MaxPersons = 10_000_000;

    /// <summary>Largest <c>--claims</c>: 50,000,000 (~10 GB of claims.csv; ten times the largest benchmark data set).</summary>
    public const long MaxClaims = 50_000_000;

    /// <summary>Bytes per claim row and per person for the estimate: measured 183 and 105 (seed 3, 100,000 claims), plus ~10 %.</summary>
    public const long BytesPerClaim = 200;

    public const long BytesPerPerson = 120;

    /// <summary>Free space kept beyond the estimate.</summary>
    public const long MarginBytes = 16L << 20;

    /// <summary>Write buffer per file: big enough that the disk sees few large writes.</summary>
    private const int BufferBytes = 1 << 20;

    /// <summary>The estimated size of both files.</summary>
    public static long EstimateBytes(in GenerateOptions options) => options.Claims * BytesPerClaim + (long)options.Persons * BytesPerPerson;

    /// <summary>Why these sizes may not be written to <paramref name="outDir"/>, or null. <paramref name="freeBytes"/> is for tests.</summary>
    public static string? Refusal(in GenerateOptions options, string outDir, Func<string, long>? freeBytes = null)
    {
        var ic = CultureInfo.InvariantCulture;
        if (options.Persons > MaxPersons)
        {
            return string.Create(ic, $"--persons {options.Persons:N0} is above the cap of {MaxPersons:N0}");
        }

        if (options.Claims > MaxClaims)
        {
            return string.Create(ic, $"--claims {options.Claims:N0} is above the cap of {MaxClaims:N0}");
        }

        string existing = ExistingAncestor(Path.GetFullPath(outDir));
        long free = (freeBytes ?? FreeBytes)(existing);
        long needed = EstimateBytes(options) + MarginBytes;
        return free < needed
            ? string.Create(ic, $"not enough free space in {existing}: about {Mib(needed)} MiB needed ({options.Claims:N0} claims, {options.Persons:N0} persons), {Mib(free)} MiB free")
            : null;
    }

    /// <summary>
    /// Generates into DIR/persons.csv and DIR/claims.csv through temporary files renamed at the end; on any failure the
    /// temporary files are deleted and the exception goes on.
    /// </summary>
    public static GenerateStats Write(in GenerateOptions options, string outDir, out string personsPath, out string claimsPath)
    {
        Directory.CreateDirectory(outDir);
        personsPath = Path.Combine(outDir, "persons.csv");
        claimsPath = Path.Combine(outDir, "claims.csv");
        string suffix = string.Create(CultureInfo.InvariantCulture, $".partial-{Environment.ProcessId}");
        string personsTmp = personsPath + suffix, claimsTmp = claimsPath + suffix;
        try
        {
            GenerateStats stats;
            using (var persons = Open(personsTmp))
            using (var claims = Open(claimsTmp))
            {
                stats = DataGenerator.Write(options, persons, claims);
            }

            File.Move(claimsTmp, claimsPath, overwrite: true);
            File.Move(personsTmp, personsPath, overwrite: true);
            return stats;
        }
        catch
        {
            File.Delete(personsTmp);
            File.Delete(claimsTmp);
            throw;
        }
    }

    private static long FreeBytes(string path) => new DriveInfo(path).AvailableFreeSpace;

    private static string ExistingAncestor(string path)
    {
        var dir = new DirectoryInfo(path);
        while (!dir.Exists && dir.Parent is not null)
        {
            dir = dir.Parent;
        }

        return dir.FullName;
    }

    private static long Mib(long bytes) => bytes >> 20;

    private static StreamWriter Open(string path) =>
        new(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            BufferSize = BufferBytes,
        });
}
