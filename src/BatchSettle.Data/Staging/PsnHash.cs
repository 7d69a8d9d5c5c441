using System.Text;

namespace BatchSettle.Data.Staging;

/// <summary>Stable FNV-1a 32 of psn_no's UTF-8 bytes: the partition key (stored as int, partition = unsigned hash % P).</summary>
public static class PsnHash
{
    public static uint Fnv1a32(string psnNo)
    {
        ArgumentNullException.ThrowIfNull(psnNo);
        Span<byte> buf = psnNo.Length <= 64 ? stackalloc byte[256] : new byte[Encoding.UTF8.GetMaxByteCount(psnNo.Length)];
        int n = Encoding.UTF8.GetBytes(psnNo, buf);
        uint h = 2166136261;
        foreach (byte b in buf[..n])
        {
            h ^= b;
            h *= 16777619;
        }
        return h;
    }

    /// <summary>The value stored in psn_hash columns (the same bits, signed).</summary>
    public static int Stored(string psnNo) => unchecked((int)Fnv1a32(psnNo));

    /// <summary>SQL expression of a row's partition for <paramref name="partitions"/> partitions.</summary>
    public static string PartitionSql(string column, int partitions) =>
        $"(({column})::bigint & 4294967295) % {partitions}";
}
