using System.Globalization;
using System.Text;
using Dapper;
using Npgsql;

namespace BatchSettle.Data.Runs;

/// <summary>
/// The persons one partition of a run settles. Since migration 098 a contiguous psn_no byte range [<see cref="From"/>,
/// <see cref="To"/>) (null = unbounded), so that each of the partition's streams is a range scan of its index; a
/// partition created before it (and a simulation's, which streams a region-year across batches) takes the persons
/// with <c>psn_hash % Partitions = PartNo</c>.
/// </summary>
public readonly record struct PartitionSlice(int Partitions, int PartNo, bool ByRange, string? From, string? To)
{
    public static PartitionSlice Hash(int partitions, int partNo) => new(partitions, partNo, false, null, null);

    public static PartitionSlice Range(int partitions, int partNo, string? from, string? to) => new(partitions, partNo, true, from, to);

    /// <summary>
    /// The slice as a SQL predicate on <paramref name="psnColumn"/> (byte order) or, by hash, on
    /// <paramref name="hashColumn"/>; a table without a hash column (<c>accumulator</c>) is not filtered by hash (its
    /// reader keeps the rows of the partition's persons). Values are quoted literals: COPY takes no parameters.
    /// </summary>
    public string Sql(string psnColumn, string? hashColumn)
    {
        if (!ByRange)
        {
            return hashColumn is null
                ? "true"
                : $"{Staging.PsnHash.PartitionSql(hashColumn, Partitions)} = {PartNo.ToString(CultureInfo.InvariantCulture)}";
        }
        if (From is null && To is null) return "true";
        var sb = new StringBuilder();
        if (From is not null) sb.Append(psnColumn).Append(" COLLATE \"C\" >= ").Append(Literal(From));
        if (From is not null && To is not null) sb.Append(" AND ");
        if (To is not null) sb.Append(psnColumn).Append(" COLLATE \"C\" < ").Append(Literal(To));
        return sb.ToString();
    }

    internal static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>
/// Cuts a batch into P contiguous psn_no ranges holding the same number of claims (to within one person's claims),
/// with each range's exact count, at run creation (migration 098). A range of the staged claims' index
/// (<c>staging_claim_batch_order</c>: batch_id, psn_no byte order, …) is read for the counts — only the batch's
/// entries, where the hash split counted with a sequential scan of every batch ever staged (1.1–1.5 s a 2.5M-claim
/// batch here, growing with every month kept).
/// <list type="number">
/// <item>First cut from a block sample of the table (<c>TABLESAMPLE SYSTEM</c>, ~20,000 rows of the whole table):
/// its quantiles. Whole blocks are sampled, and a block holds a few persons' claims in order, so the cut is off by
/// ~2–3 % of the batch at 1 % (measured at 2.7M claims);</item>
/// <item>each range's exact count (one pass over the batch's index entries);</item>
/// <item>each cut moved to the claim of its exact rank (k·n/P) by an index step from where it is, and the count of
/// what it moved over taken again.</item>
/// </list>
/// A follow-up run (only claims without a result) keeps the first cut: its claims are few, and its counts are exact
/// anyway (they skip settled claims like its streams).
/// </summary>
public static class PartitionPlan
{
    /// <summary>One partition of the plan: its range (null = unbounded) and its claim count.</summary>
    public sealed record Part(string? From, string? To, long Claims);

    /// <summary>How the first cut samples: <paramref name="Rows"/> table rows (whole blocks, of which the batch's are
    /// kept) when the table has more than <paramref name="Above"/> rows; fewer than <paramref name="MinClaims"/> of the
    /// batch's claims in the sample and the cut is taken from all of them (the batch is small).</summary>
    internal sealed record Sampling(double Rows, double Above, int MinClaims)
    {
        public static readonly Sampling Default = new(20_000, 200_000, 50);
    }

    public static Task<Part[]> ComputeAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId, int partitions,
        bool unsettledOnly, CancellationToken ct) =>
        ComputeAsync(conn, tx, batchId, partitions, unsettledOnly, Sampling.Default, ct);

    internal static async Task<Part[]> ComputeAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId, int partitions,
        bool unsettledOnly, Sampling sampling, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(conn);
        ArgumentNullException.ThrowIfNull(sampling);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        string[] cuts = partitions == 1 ? [] : await FirstCutAsync(conn, tx, batchId, partitions, sampling, ct);
        long[] counts = await CountsAsync(conn, tx, batchId, partitions, cuts, unsettledOnly, ct);
        if (partitions > 1 && !unsettledOnly)
        {
            long n = counts.Sum();
            if (n > 0) (cuts, counts) = await RefineAsync(conn, tx, batchId, partitions, cuts, counts, n, ct);
        }
        // The outer ends: the batch's first person and just past its last, not unbounded — the registry and
        // accumulator streams of the first and last partitions would otherwise read every other region's persons
        // below or above the batch (5 s of one partition's tail at 2.25M claims here). No claim outside can join the
        // run: a load into a batch whose run is unfinished is refused, and a later one gets a follow-up run.
        var ends = await conn.QuerySingleAsync<(string? First, string? Last)>(new CommandDefinition(
            $"""SELECT min(c.psn_no COLLATE "C"), max(c.psn_no COLLATE "C") {Claims(batchId)}""", transaction: tx, cancellationToken: ct));
        var parts = new Part[partitions];
        for (int k = 0; k < partitions; k++)
        {
            var (from, to) = RangeOf(cuts, k, ends.First, After(ends.Last));
            parts[k] = new Part(from, to, counts[k]);
        }
        return parts;
    }

    /// <summary>Range <paramref name="k"/> between the cuts, the outer ones ending at <paramref name="first"/> and
    /// <paramref name="end"/>.</summary>
    private static (string? From, string? To) RangeOf(string[] cuts, int k, string? first, string? end) =>
        (k == 0 ? first : cuts[k - 1], k == cuts.Length ? end : cuts[k]);

    /// <summary>The least string after <paramref name="psn"/> in byte order (a range's exclusive end that keeps
    /// <paramref name="psn"/>): U+0001 appended, since no text value holds U+0000.</summary>
    public static string? After(string? psn) => psn is null ? null : psn + "\u0001";

    /// <summary>The slices of a plan (what a partition's streams read).</summary>
    public static PartitionSlice[] Slices(IReadOnlyList<Part> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return [.. parts.Select((p, k) => PartitionSlice.Range(parts.Count, k, p.From, p.To))];
    }

    /// <summary>P−1 non-decreasing cuts from a block sample (or, for a batch the sample barely sees, from all its
    /// claims). A batch with no claims gets empty-string cuts: every range but the last is then empty.</summary>
    private static async Task<string[]> FirstCutAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId, int partitions,
        Sampling sampling, CancellationToken ct)
    {
        double[] fractions = [.. Enumerable.Range(1, partitions - 1).Select(k => (double)k / partitions)];
        double tuples = await conn.ExecuteScalarAsync<double>(new CommandDefinition(
            "SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'staging_claim'::regclass", transaction: tx, cancellationToken: ct));
        string[]? cuts = null;
        if (tuples > sampling.Above)
        {
            // REPEATABLE: the same table gives the same cut (the sample's blocks are chosen by the seed).
            var s = await conn.QuerySingleAsync<(long N, string?[]? Cuts)>(new CommandDefinition(
                """
                SELECT count(*), percentile_disc(@fractions) WITHIN GROUP (ORDER BY psn_no COLLATE "C")
                FROM staging_claim TABLESAMPLE SYSTEM (@pct::real) REPEATABLE (0) WHERE batch_id = @batchId
                """, new { fractions, pct = Math.Min(100, 100 * sampling.Rows / tuples), batchId }, tx, cancellationToken: ct));
            if (s.N >= sampling.MinClaims) cuts = s.Cuts?.Select(c => c ?? "").ToArray();
        }
        if (cuts is null)
        {
            var all = await conn.ExecuteScalarAsync<string?[]?>(new CommandDefinition(
                """
                SELECT percentile_disc(@fractions) WITHIN GROUP (ORDER BY psn_no COLLATE "C")
                FROM staging_claim WHERE batch_id = @batchId
                """, new { fractions, batchId }, tx, commandTimeout: 0, cancellationToken: ct));
            cuts = all?.Select(c => c ?? "").ToArray() ?? [.. Enumerable.Repeat("", partitions - 1)];
        }
        return cuts;
    }

    private static string Claims(string batchId) => $"FROM staging_claim c WHERE c.batch_id = {PartitionSlice.Literal(batchId)}";

    private const string Unsettled = " AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = c.claim_seq)";

    /// <summary>Each range's claims (index range counts, one statement).</summary>
    private static async Task<long[]> CountsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId, int partitions,
        string[] cuts, bool unsettledOnly, CancellationToken ct)
    {
        var sql = new StringBuilder("SELECT ARRAY[");
        for (int k = 0; k < partitions; k++)
        {
            var (from, to) = RangeOf(cuts, k, null, null);
            var slice = PartitionSlice.Range(partitions, k, from, to);
            if (k > 0) sql.Append(',');
            sql.Append("(SELECT count(*) ").Append(Claims(batchId)).Append(" AND ").Append(slice.Sql("c.psn_no", null))
                .Append(unsettledOnly ? Unsettled : "").Append(')');
        }
        sql.Append("]::bigint[]");
        return await conn.ExecuteScalarAsync<long[]>(new CommandDefinition(sql.ToString(), transaction: tx, commandTimeout: 0, cancellationToken: ct))
            ?? throw new InvalidOperationException("partition counts: no row");
    }

    /// <summary>Moves each cut to the psn_no of the claim of rank round(k·n/P) and corrects the counts by what it moved over.</summary>
    private static async Task<(string[] Cuts, long[] Counts)> RefineAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string batchId,
        int partitions, string[] cuts, long[] counts, long n, CancellationToken ct)
    {
        var moved = new string[cuts.Length];
        var below = new long[cuts.Length]; // claims before each cut (its rank), after the move
        long before = 0;
        for (int k = 1; k < partitions; k++)
        {
            before += counts[k - 1];
            long target = Math.Min((2 * k * n + partitions) / (2L * partitions), n - 1);
            long step = target - before;
            string cut = cuts[k - 1];
            // The claim of rank `target`: `step` entries on from the cut, or −step entries back before it.
            string? at = await conn.ExecuteScalarAsync<string?>(new CommandDefinition(
                step >= 0
                    ? $"""SELECT c.psn_no {Claims(batchId)} AND c.psn_no COLLATE "C" >= @cut ORDER BY c.batch_id, c.psn_no COLLATE "C" OFFSET @skip LIMIT 1"""
                    : $"""SELECT c.psn_no {Claims(batchId)} AND c.psn_no COLLATE "C" < @cut ORDER BY c.batch_id DESC, c.psn_no COLLATE "C" DESC OFFSET @skip LIMIT 1""",
                new { cut, skip = step >= 0 ? step : -step - 1 }, tx, commandTimeout: 0, cancellationToken: ct));
            at ??= cut;
            moved[k - 1] = at;
            int order = string.CompareOrdinal(at, cut);
            long delta = order == 0 ? 0 : await conn.ExecuteScalarAsync<long>(new CommandDefinition(
                $"""SELECT count(*) {Claims(batchId)} AND c.psn_no COLLATE "C" >= @lo AND c.psn_no COLLATE "C" < @hi""",
                new { lo = order < 0 ? at : cut, hi = order < 0 ? cut : at }, tx, commandTimeout: 0, cancellationToken: ct));
            below[k - 1] = before + (order < 0 ? -delta : delta);
        }
        var result = new long[partitions];
        for (int k = 0; k < partitions; k++)
        {
            long lo = k == 0 ? 0 : below[k - 1];
            long hi = k == partitions - 1 ? n : below[k];
            result[k] = hi - lo;
        }
        return (moved, result);
    }
}
