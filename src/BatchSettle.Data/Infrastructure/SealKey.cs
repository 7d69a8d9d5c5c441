using System.Security.Cryptography;
using System.Text;

namespace BatchSettle.Data.Infrastructure;

/// <summary>
/// The key run seals are made with (migration 052): kept outside the database, so that someone who can rewrite the
/// database (a superuser) cannot make a seal that verifies. <c>BATCHSETTLE_SEAL_KEY</c> (the key itself),
/// else <c>BATCHSETTLE_SEAL_KEY_FILE</c>, else <c>&lt;checkout&gt;/.data/seal.key</c>, generated on first use with
/// mode 0600. Every process that runs or reconciles batches of one database must use the same key.
/// </summary>
public static class SealKey
{
    public const string EnvVar = "BATCHSETTLE_SEAL_KEY";
    public const string FileEnvVar = "BATCHSETTLE_SEAL_KEY_FILE";

    private static readonly Lazy<byte[]> Default = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process's key.</summary>
    public static byte[] Get() => Default.Value;

    /// <summary>HMAC-SHA256 of a run's sealed facts.</summary>
    public static byte[] Seal(byte[] key, long runId, string batchId, long results, long ledgerLines, byte[] digest, byte[]? prevSeal)
    {
        ArgumentNullException.ThrowIfNull(digest);
        string head = FormattableString.Invariant($"batchsettle-run-seal-v1|{runId}|{batchId}|{results}|{ledgerLines}|");
        byte[] msg = [.. Encoding.UTF8.GetBytes(head), .. digest, (byte)'|', .. prevSeal ?? []];
        return HMACSHA256.HashData(key, msg);
    }

    private static byte[] Resolve()
    {
        if (Environment.GetEnvironmentVariable(EnvVar) is { Length: > 0 } k) return Encoding.UTF8.GetBytes(k);
        string path = Environment.GetEnvironmentVariable(FileEnvVar) is { Length: > 0 } f
            ? f
            : Path.Combine(Checkout.FindRoot() ?? Directory.GetCurrentDirectory(), ".data", "seal.key");
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            try
            {
                using var fs = new FileStream(path, options);
                fs.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n"));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first.
            }
        }
        return Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
    }
}
