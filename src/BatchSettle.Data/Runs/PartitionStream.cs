using System.Globalization;
using BatchSettle.Core.Settlement;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Streams one partition's unsettled claims with binary COPY OUT in (psn_no, enddate, setl_id) order, joined with the
/// person's registry row, the stored accumulators and a reversal's original result.
/// </summary>
internal static class PartitionStream
{
    private static string Literal(string s) => PartitionSlice.Literal(s);

    private static string After(string column, string? checkpoint) =>
        checkpoint is null ? "" : $"AND {column} COLLATE \"C\" > {Literal(checkpoint)}";

    /// <summary>
    /// Session settings of a stream connection. Parallel workers only add hand-offs to an ordered scan on a machine
    /// this size; and the planner, seeing that a partition keeps only 1/P of the batch's rows, preferred a sequential
    /// scan + external sort (~1.5 s at 1M claims per partition and batch, before the first row) to the ordered index
    /// scan that streams at once (~0.7 s): every stream has an index in its order (migration 020). No JIT either: each
    /// stream's query is costly enough to be compiled (~0.3 s of LLVM at every partition's start) for an index scan JIT
    /// does not speed up.
    /// </summary>
    public const string SessionSql = "SET max_parallel_workers_per_gather = 0; SET enable_sort = off; SET jit = off";

    // COPY takes no parameters: the batch id and checkpoint are quoted literals, the numbers are ints.

    /// <summary>
    /// The partition's claims after the checkpoint in (psn_no, enddate, setl_id) order, plain (no join: the person,
    /// accumulators and reversal originals are merged in by the reader). <paramref name="skipSettled"/> adds the
    /// anti-join on settlement_result, needed only when a claim past the checkpoint already has a result.
    /// </summary>
    public static string ClaimsSql(string batchId, PartitionSlice slice, string? checkpoint, bool skipSettled) =>
        $"""
        COPY (
          SELECT c.claim_seq, c.setl_id, c.psn_no, c.admdvs, c.insutype, c.med_type, c.fixmedins_code,
                 c.hosp_lv, c.fac_kind, c.designated, c.setting, c.in_province, c.transfer_from_lv, c.begndate,
                 c.enddate, c.bed_days, c.dise_codg, c.special_dise, c.excl_cause, c.emergency, c.approved,
                 c.medfee_sumamt, c.fulamt_ownpay_amt, c.overlmt_selfpay, c.preselfpay_amt, c.inscp_scp_amt,
                 c.reversal_of, c.source_file, c.source_line, c.dise_qualified, c.high_value_drug
          FROM staging_claim c
          WHERE c.batch_id = {Literal(batchId)} AND {slice.Sql("c.psn_no", "c.psn_hash")} {After("c.psn_no", checkpoint)}
            {(skipSettled ? "AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.claim_seq = c.claim_seq)" : "")}
          ORDER BY c.batch_id, c.psn_no COLLATE "C", c.enddate, c.setl_id COLLATE "C"
        ) TO STDOUT (FORMAT BINARY)
        """;

    /// <summary>
    /// (Simulation, issue 15) The partition's claims of region <paramref name="admdvs"/> settled (enddate) from
    /// <paramref name="from"/> to <paramref name="to"/>, across every batch, in the runner's (psn_no, enddate, setl_id)
    /// order, so one person's claims of the year are settled in date order in one pass from January; the same
    /// columns as <see cref="ClaimsSql"/> plus batch_id last (<see cref="Read"/> with a null batch id reads it).
    /// </summary>
    public static string SimulationClaimsSql(string admdvs, DateOnly from, DateOnly to, int partitions, int partNo) =>
        $"""
        COPY (
          SELECT c.claim_seq, c.setl_id, c.psn_no, c.admdvs, c.insutype, c.med_type, c.fixmedins_code,
                 c.hosp_lv, c.fac_kind, c.designated, c.setting, c.in_province, c.transfer_from_lv, c.begndate,
                 c.enddate, c.bed_days, c.dise_codg, c.special_dise, c.excl_cause, c.emergency, c.approved,
                 c.medfee_sumamt, c.fulamt_ownpay_amt, c.overlmt_selfpay, c.preselfpay_amt, c.inscp_scp_amt,
                 c.reversal_of, c.source_file, c.source_line, c.dise_qualified, c.high_value_drug, c.batch_id
          FROM staging_claim c
          WHERE c.admdvs = {Literal(admdvs)} AND c.enddate BETWEEN {Literal(from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}
                AND {Literal(to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))} AND {PartitionSlice.Hash(partitions, partNo).Sql("c.psn_no", "c.psn_hash")}
          ORDER BY c.psn_no COLLATE "C", c.enddate, c.setl_id COLLATE "C"
        ) TO STDOUT (FORMAT BINARY)
        """;

    /// <summary>(Simulation) No stored accumulators: a simulation starts every person's year from zero on January 1.</summary>
    public const string NoAccumulatorsSql =
        "COPY (SELECT ''::text, 0::int, ''::text, NULL::bigint[] WHERE false) TO STDOUT (FORMAT BINARY)";

    /// <summary>
    /// Whether another run of the batch has committed any chunk. If none has, no claim of this partition past its
    /// checkpoint can have a result — a claim's result is only ever written by a run of its batch, this run's other
    /// partitions settle other hashes (a run keeps its partition count), and this partition's own results lie
    /// before its checkpoint — so <see cref="AnySettledSql"/>, a join over the batch's claims and results (~0.4 s a
    /// partition at 1M claims, with the settlement_result BRIN ranges a previous run left unsummarized), is skipped.
    /// </summary>
    public static string OtherRunsSettledSql(string batchId, long runId) =>
        $"""
        SELECT EXISTS (
          SELECT 1 FROM run r JOIN run_partition p ON p.run_id = r.run_id
          WHERE r.batch_id = {Literal(batchId)} AND r.run_id <> {runId.ToString(CultureInfo.InvariantCulture)} AND p.claims_done > 0)
        """;

    /// <summary>Whether any claim of the partition past the checkpoint already has a result (then the claims stream
    /// must skip them: a claim that has a result is never settled again).</summary>
    public static string AnySettledSql(string batchId, PartitionSlice slice, string? checkpoint) =>
        $"""
        SELECT EXISTS (
          SELECT 1 FROM settlement_result r JOIN staging_claim c ON c.claim_seq = r.claim_seq
          WHERE r.batch_id = {Literal(batchId)} AND c.batch_id = {Literal(batchId)}
            AND {slice.Sql("c.psn_no", "c.psn_hash")} {After("c.psn_no", checkpoint)})
        """;

    /// <summary>The registry a run settles against (migration 074): versions loaded up to snapshot
    /// <paramref name="SnapshotId"/> and dated up to <paramref name="AsOf"/> (YYYY-MM-DD); null = no bound.</summary>
    public sealed record Registry(long? SnapshotId, string? AsOf);

    /// <summary>The partition's registry rows (every year, and v2 both insutypes of a year) in psn_no order, each key's
    /// version in force for the run's registry (issue 13: the latest as_of, then the latest load, within the run's
    /// bounds); the reader picks among one person's rows, so their order within (psn_no, year) does not matter.</summary>
    public static string PersonsSql(PartitionSlice slice, string? checkpoint, Registry? registry = null) =>
        $"""
        COPY (
          SELECT DISTINCT ON (p.psn_no COLLATE "C", p.year, p.insutype)
                 p.psn_no, p.year, p.admdvs, p.insutype, p.brdy, p.enrol_kind, p.paid_date, p.prev_cover_end,
                 p.broken_years, p.repaired_years, p.continuous_years, p.zero_claim_years, p.large_amount_paid_date,
                 p.hardship, p.assistance_subsidised, p.university, p.maternity_insured, p.arrears_from, p.arrears_paid
          FROM person_version p
          WHERE {slice.Sql("p.psn_no", "p.psn_hash")} {After("p.psn_no", checkpoint)}
            {(registry?.SnapshotId is { } s ? $"AND p.snapshot_id <= {s.ToString(CultureInfo.InvariantCulture)}" : "")}
            {(registry?.AsOf is { } d && DateOnly.TryParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
                ? $"AND p.as_of <= DATE '{d}'" : "")}
          ORDER BY p.psn_no COLLATE "C", p.year, p.insutype, p.as_of DESC, p.snapshot_id DESC
        ) TO STDOUT (FORMAT BINARY)
        """;

    /// <summary>Stored accumulators of the partition's range past the checkpoint in psn_no order (a partition split by
    /// hash reads every person's: accumulator has no hash column, and the reader keeps its persons'); (v2) one row per
    /// (psn_no, year, insutype).</summary>
    public static string AccumulatorsSql(PartitionSlice slice, string? checkpoint) =>
        $"""
        COPY (
          SELECT a.psn_no, a.year, a.insutype, a.acc FROM accumulator a
          WHERE {slice.Sql("a.psn_no", null)} {After("a.psn_no", checkpoint)}
          ORDER BY a.psn_no COLLATE "C", a.year
        ) TO STDOUT (FORMAT BINARY)
        """;

    /// <summary>For each reversal of the partition: its original's stored result (when there is one) and whether a
    /// settled reversal of that original is already stored. Few rows (reversals are rare); read up front.</summary>
    public static string ReversalsSql(string batchId, PartitionSlice slice, string? checkpoint) =>
        $"""
        COPY (
          SELECT c.setl_id,
                 (EXISTS (SELECT 1 FROM settlement_result r2 WHERE r2.reversal_of = c.reversal_of AND r2.status = 'settled')),
                 o.setl_id, o.psn_no, o.status, o.reason, o.year, o.medfee_sumamt, o.fulamt_ownpay_amt,
                 o.overlmt_selfpay, o.preselfpay_amt, o.inscp_scp_amt, o.act_pay_dedc, o.hifp_pay, o.pool_prop_bp,
                 o.hifmi_pay, o.hifob_pay, o.maf_pay, o.maf_tilted_pay, o.fund_pay_sumamt, o.psn_part_amt,
                 o.assumed_params, o.acc_delta, o.superseded_params, o.insutype
          FROM staging_claim c
          LEFT JOIN settlement_result o ON o.claim_seq = (SELECT max(k) FROM result_claim_seq(c.reversal_of) k)
          WHERE c.reversal_of IS NOT NULL AND c.batch_id = {Literal(batchId)}
            AND {slice.Sql("c.psn_no", "c.psn_hash")} {After("c.psn_no", checkpoint)}
        ) TO STDOUT (FORMAT BINARY)
        """;

    /// <summary>Reads <see cref="ReversalsSql"/> into a map from the reversal's setl_id.</summary>
    public static Dictionary<string, (OriginalResult? Original, bool AlreadyReversed)> ReadReversals(NpgsqlBinaryExporter e)
    {
        var map = new Dictionary<string, (OriginalResult?, bool)>(StringComparer.Ordinal);
        while (e.StartRow() >= 0)
        {
            string setlId = e.Read<string>(NpgsqlDbType.Text);
            bool already = e.Read<bool>(NpgsqlDbType.Boolean);
            map[setlId] = (ReadOriginal(e), already);
        }
        return map;
    }

    /// <summary>
    /// Reads the next claim of <see cref="ClaimsSql"/> into <paramref name="r"/> (overwritten in place); false at the
    /// end. Synchronous on purpose: the reader runs on its own thread. Decoded by hand from the raw COPY stream
    /// (<see cref="BinaryCopyReader"/>); code columns come from the reader's per-column string caches.
    /// </summary>
    public static bool Read(BinaryCopyReader e, string? batchId, ref ClaimRow r)
    {
        if (!e.NextRow()) return false;
        // A simulation streams a region-year across batches: batch_id is then a last column (batchId null).
        int expected = batchId is null ? ClaimColumns + 1 : ClaimColumns;
        if (e.FieldCount != expected) throw new FormatException($"claims stream: {e.FieldCount} columns, expected {expected}");
        r.ClaimSeq = e.Int64();
        r.BatchId = batchId!;
        r.SetlId = e.Text();
        r.PsnNo = e.Text();
        r.Admdvs = e.Code(0);
        r.Insutype = e.Code(1);
        r.MedType = e.Code(2);
        r.FixmedinsCode = e.Code(3);
        r.HospLv = e.Code(4);
        r.FacKind = e.Code(5);
        r.Designated = e.Bool();
        r.Setting = e.Code(6);
        r.InProvince = e.Bool();
        r.TransferFromLv = e.NullableCode(7);
        r.BeginDate = e.Date();
        r.EndDate = e.Date();
        r.BedDays = e.NullableInt32();
        r.DiseCodg = e.NullableCode(8);
        r.SpecialDise = e.NullableCode(9);
        r.ExclCause = e.NullableCode(10);
        r.Emergency = e.NullableBool();
        r.Approved = e.NullableBool();
        r.Medfee = e.Numeric();
        r.Fulamt = e.Numeric();
        r.Overlmt = e.Numeric();
        r.Preselfpay = e.Numeric();
        r.Inscp = e.Numeric();
        r.ReversalOf = e.NullableText();
        r.SourceFile = e.Code(11);
        r.SourceLine = e.Int32();
        r.DiseQualified = e.Bool();
        r.HighValueDrug = e.Bool();
        if (batchId is null) r.BatchId = e.Code(12);
        return true;
    }

    /// <summary>Columns of <see cref="ClaimsSql"/>.</summary>
    public const int ClaimColumns = 31;

    private static OriginalResult? ReadOriginal(NpgsqlBinaryExporter e)
    {
        if (e.IsNull)
        {
            for (int i = 0; i < 23; i++) e.Skip();
            return null;
        }
        return new OriginalResult
        {
            SetlId = e.Read<string>(NpgsqlDbType.Text),
            PsnNo = e.Read<string>(NpgsqlDbType.Text),
            Status = e.Read<string>(NpgsqlDbType.Text),
            Reason = Text(e),
            Year = Int(e) ?? 0,
            Medfee = Long(e),
            Fulamt = Long(e),
            Overlmt = Long(e),
            Preselfpay = Long(e),
            Inscp = Long(e),
            ActPayDedc = Long(e),
            HifpPay = Long(e),
            PoolPropBp = e.Read<int>(NpgsqlDbType.Integer),
            HifmiPay = Long(e),
            HifobPay = Long(e),
            MafPay = Long(e),
            MafTiltedPay = Long(e),
            FundPaySumamt = Long(e),
            PsnPartAmt = Long(e),
            AssumedParams = e.Read<bool>(NpgsqlDbType.Boolean),
            AccDelta = Longs(e),
            SupersededParams = e.Read<bool>(NpgsqlDbType.Boolean),
            Insutype = Text(e),
        };
    }

    /// <summary>Reads a person row's columns after psn_no (see <see cref="PersonsSql"/>); the code columns come from the
    /// reader's per-column caches (a registry row used to cost four new strings and Npgsql's per-column binding).</summary>
    public static void ReadPerson(BinaryCopyReader e, ref PersonRow p)
    {
        if (e.FieldCount != PersonColumns) throw new FormatException($"registry stream: {e.FieldCount} columns, expected {PersonColumns}");
        p.Year = e.Int32();
        p.Admdvs = e.Code(0);
        p.Insutype = e.Code(1);
        p.Birth = e.Date();
        p.EnrolKind = e.Code(2);
        p.PaidDate = e.Date();
        p.PrevCoverEnd = e.NullableDate();
        p.BrokenYears = e.NullableInt32();
        p.RepairedYears = e.NullableInt32();
        p.ContinuousYears = e.NullableInt32();
        p.ZeroClaimYears = e.NullableInt32();
        p.LargeAmountPaidDate = e.NullableDate();
        p.Hardship = e.NullableCode(3);
        p.AssistanceSubsidised = e.NullableBool();
        p.University = e.Bool();
        p.MaternityInsured = e.Bool();
        p.ArrearsFrom = e.NullableDate();
        p.ArrearsPaid = e.NullableDate();
    }

    /// <summary>Columns of <see cref="PersonsSql"/> (psn_no first).</summary>
    public const int PersonColumns = 19;

    /// <summary>Reads an accumulator row's year, insutype and array (after psn_no).</summary>
    public static void ReadAccumulator(BinaryCopyReader e, ref AccumulatorRow a)
    {
        if (e.FieldCount != 4) throw new FormatException($"accumulator stream: {e.FieldCount} columns, expected 4");
        a.Year = e.Int32();
        a.Insutype = e.Code(0);
        a.Acc = default;
        if (e.SkipNull()) return;
        e.Int64Array(a.Acc);
    }

    private static string? Text(NpgsqlBinaryExporter e)
    {
        if (e.IsNull) { e.Skip(); return null; }
        return e.Read<string>(NpgsqlDbType.Text);
    }

    private static int? Int(NpgsqlBinaryExporter e)
    {
        if (e.IsNull) { e.Skip(); return null; }
        return e.Read<int>(NpgsqlDbType.Integer);
    }

    private static long Long(NpgsqlBinaryExporter e)
    {
        if (e.IsNull) { e.Skip(); return 0; }
        return e.Read<long>(NpgsqlDbType.Bigint);
    }



    private static long[]? Longs(NpgsqlBinaryExporter e)
    {
        if (e.IsNull) { e.Skip(); return null; }
        return e.Read<long[]>(NpgsqlDbType.Array | NpgsqlDbType.Bigint);
    }
}
