using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Infrastructure;

/// <summary>
/// Seals of the postings that are not claim runs (migration 077): a premium-subsidy run, a subsidy red-ink reversal,
/// an assistance application. Sealed in the posting's own transaction, with the run seals' key (<see cref="SealKey"/>),
/// chained posting to posting; verified by <see cref="VerifyAsync"/> (<c>reconcile --subsidies</c>).
/// </summary>
public static class PostingSeal
{
    public const string SubsidyRun = "subsidy_run";
    public const string SubsidyReversal = "subsidy_reversal";
    public const string AssistanceApplication = "assistance_application";

    /// <summary>pg_advisory_xact_lock key of the posting-seal chain ("BSPSEAL" as ASCII).</summary>
    private const long ChainLock = 0x425350_5345414C;

    /// <summary>Seals posting <paramref name="postingId"/> inside the transaction that posted it (call last, before commit).</summary>
    public static async Task SealAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string kind, long postingId, string admdvs, int year,
        DateTimeOffset sealedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@k)", new { k = ChainLock }, tx, cancellationToken: ct));
        var d = await conn.QuerySingleAsync<(long Rows, long LedgerLines, byte[] Digest)>(new CommandDefinition(
            "SELECT row_count, ledger_lines, digest FROM posting_digest(@kind, @postingId)", new { kind, postingId }, tx, cancellationToken: ct));
        var prev = await conn.QueryFirstOrDefaultAsync<(long PostingId, byte[] Seal)?>(new CommandDefinition(
            "SELECT posting_id, seal FROM posting_seal ORDER BY sealed_at DESC, posting_id DESC LIMIT 1", transaction: tx, cancellationToken: ct));
        byte[] seal = Compute(SealKey.Get(), kind, postingId, admdvs, year, d.Rows, d.LedgerLines, d.Digest, prev?.Seal);
        await conn.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO posting_seal (posting_id, kind, admdvs, year, row_count, ledger_lines, digest, prev_posting_id, seal, sealed_at)
            VALUES (@postingId, @kind, @admdvs, @year, @rows, @ledger, @digest, @prev, @seal, @sealedAt)
            """,
            new { postingId, kind, admdvs, year, rows = d.Rows, ledger = d.LedgerLines, digest = d.Digest, prev = prev?.PostingId, seal, sealedAt },
            tx, cancellationToken: ct));
    }

    /// <summary>HMAC-SHA256 of a posting's sealed facts and the previous posting seal.</summary>
    public static byte[] Compute(byte[] key, string kind, long postingId, string admdvs, int year, long rows, long ledgerLines, byte[] digest, byte[]? prevSeal)
    {
        ArgumentNullException.ThrowIfNull(digest);
        string head = string.Create(CultureInfo.InvariantCulture, $"batchsettle-posting-seal-v1|{kind}|{postingId}|{admdvs}|{year}|{rows}|{ledgerLines}|");
        byte[] msg = [.. Encoding.UTF8.GetBytes(head), .. digest, (byte)'|', .. prevSeal ?? []];
        return HMACSHA256.HashData(key, msg);
    }

    /// <summary>
    /// Every posting of the region-year (subsidy runs and reversals of year Y, assistance applications dated in Y)
    /// against its seal: a posting with no seal, rows or ledger lines changed, added or removed since, or a seal that
    /// does not verify under this process's key. Returns the differences and how many seals were checked.
    /// </summary>
    public static async Task<(List<string> Differences, int Checked)> VerifyAsync(NpgsqlConnection conn, string admdvs, int year, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        var differences = new List<string>();
        int checkedCount = 0;
        byte[] key = SealKey.Get();
        var postings = await conn.QueryAsync<(string Kind, long Id, long? Rows, long? LedgerLines, byte[]? Digest, byte[]? Seal, byte[]? PrevSeal, string? SealAdmdvs, int? SealYear)>(new CommandDefinition(
            """
            WITH x AS (
                SELECT 'subsidy_run' AS kind, run_id AS id FROM subsidy_run WHERE admdvs = @admdvs AND year = @year
                UNION ALL SELECT 'subsidy_reversal', correction_id FROM premium_subsidy_reversal WHERE admdvs = @admdvs AND year = @year
                UNION ALL SELECT 'assistance_application', application_id FROM assistance_application
                          WHERE admdvs = @admdvs AND application_date >= make_date(@year, 1, 1) AND application_date < make_date(@year + 1, 1, 1)
                UNION SELECT kind, posting_id FROM posting_seal WHERE admdvs = @admdvs AND year = @year)
            SELECT x.kind, x.id, s.row_count, s.ledger_lines, s.digest, s.seal, p.seal, s.admdvs, s.year
            FROM x LEFT JOIN posting_seal s ON s.posting_id = x.id AND s.kind = x.kind
                   LEFT JOIN posting_seal p ON p.posting_id = s.prev_posting_id
            ORDER BY x.id
            """, new { admdvs, year }, cancellationToken: ct));
        foreach (var p in postings)
        {
            if (p.Seal is null)
            {
                differences.Add($"{p.Kind} {p.Id} is not sealed: its rows and ledger lines cannot be shown unaltered");
                continue;
            }
            var now = await conn.QuerySingleAsync<(long Rows, long LedgerLines, byte[] Digest)>(new CommandDefinition(
                "SELECT row_count, ledger_lines, digest FROM posting_digest(@kind, @id)", new { kind = p.Kind, id = p.Id }, cancellationToken: ct));
            bool same = now.Digest.AsSpan().SequenceEqual(p.Digest);
            if (now.Rows != p.Rows || now.LedgerLines != p.LedgerLines || !same)
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Kind} {p.Id}: rows or ledger lines changed since it was sealed (sealed {p.Rows} rows, {p.LedgerLines} ledger lines; now {now.Rows}, {now.LedgerLines}; digest {(same ? "same" : "differs")})"));
            }
            byte[] expected = Compute(key, p.Kind, p.Id, p.SealAdmdvs!, p.SealYear!.Value, p.Rows!.Value, p.LedgerLines!.Value, p.Digest!, p.PrevSeal);
            if (!CryptographicOperations.FixedTimeEquals(expected, p.Seal))
            {
                differences.Add($"{p.Kind} {p.Id}: its seal does not verify (the seal row was rewritten, or this process has another seal key)");
            }
            checkedCount++;
        }
        return (differences, checkedCount);
    }
}
