using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Streams one partition's unsettled claims with binary COPY OUT in (psn_no, enddate, setl_id) order, joined with the
/// person's registry row, the stored accumulators and a reversal's original result.
/// </summary>
internal static class PartitionStream
{
    private static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Sql(string batchId, int partitions, int partNo, string? checkpoint) =>
        // COPY takes no parameters: the batch id and checkpoint are quoted literals, the numbers are ints.
        $"""
        COPY (
          SELECT c.claim_seq, c.batch_id, c.setl_id, c.psn_no, c.admdvs, c.insutype, c.med_type, c.fixmedins_code,
                 c.hosp_lv, c.fac_kind, c.designated, c.setting, c.in_province, c.transfer_from_lv, c.begndate,
                 c.enddate, c.bed_days, c.dise_codg, c.special_dise, c.excl_cause, c.emergency, c.approved,
                 c.medfee_sumamt, c.fulamt_ownpay_amt, c.overlmt_selfpay, c.preselfpay_amt, c.inscp_scp_amt,
                 c.reversal_of, c.source_file, c.source_line,
                 EXISTS (SELECT 1 FROM staging_person k WHERE k.psn_no = c.psn_no),
                 p.admdvs, p.insutype, p.brdy, p.year, p.enrol_kind, p.paid_date, p.prev_cover_end, p.broken_years,
                 p.repaired_years, p.continuous_years, p.zero_claim_years, p.large_amount_paid_date, p.hardship,
                 p.assistance_subsidised,
                 y.acc_year, a.acc,
                 o.setl_id, o.psn_no, o.status, o.reason, o.year, o.medfee_sumamt, o.fulamt_ownpay_amt,
                 o.overlmt_selfpay, o.preselfpay_amt, o.inscp_scp_amt, o.act_pay_dedc, o.hifp_pay, o.pool_prop_bp,
                 o.hifmi_pay, o.hifob_pay, o.maf_pay, o.maf_tilted_pay, o.fund_pay_sumamt, o.psn_part_amt,
                 o.assumed_params, o.acc_delta,
                 (c.reversal_of IS NOT NULL AND EXISTS (SELECT 1 FROM settlement_result r2
                     WHERE r2.reversal_of = c.reversal_of AND r2.status = 'settled'))
          FROM staging_claim c
          LEFT JOIN staging_person p ON p.psn_no = c.psn_no AND p.year = extract(year FROM c.enddate)::int
          LEFT JOIN settlement_result o ON o.setl_id = c.reversal_of
          CROSS JOIN LATERAL (SELECT COALESCE(o.year, extract(year FROM c.enddate)::int) AS acc_year) y
          LEFT JOIN accumulator a ON a.psn_no = c.psn_no AND a.year = y.acc_year
          WHERE c.batch_id = {Literal(batchId)}
            AND {Staging.PsnHash.PartitionSql("c.psn_hash", partitions)} = {partNo.ToString(CultureInfo.InvariantCulture)}
            {(checkpoint is null ? "" : $"AND c.psn_no COLLATE \"C\" > {Literal(checkpoint)}")}
            AND NOT EXISTS (SELECT 1 FROM settlement_result r WHERE r.setl_id = c.setl_id)
          ORDER BY c.psn_no COLLATE "C", c.enddate, c.setl_id COLLATE "C"
        ) TO STDOUT (FORMAT BINARY)
        """;

    /// <summary>Reads the next claim into a new row; null at the end.</summary>
    public static async Task<ClaimRow?> ReadAsync(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (await e.StartRowAsync(ct) < 0) return null;
        var r = new ClaimRow
        {
            ClaimSeq = await e.ReadAsync<long>(NpgsqlDbType.Bigint, ct),
            BatchId = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            SetlId = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            PsnNo = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            Admdvs = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            Insutype = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            MedType = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            FixmedinsCode = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            HospLv = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            FacKind = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            Designated = await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct),
            Setting = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            InProvince = await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct),
            TransferFromLv = await Text(e, ct),
            BeginDate = await e.ReadAsync<DateOnly>(NpgsqlDbType.Date, ct),
            EndDate = await e.ReadAsync<DateOnly>(NpgsqlDbType.Date, ct),
            BedDays = await Int(e, ct),
            DiseCodg = await Text(e, ct),
            SpecialDise = await Text(e, ct),
            ExclCause = await Text(e, ct),
            Emergency = await Bool(e, ct),
            Approved = await Bool(e, ct),
            Medfee = await e.ReadAsync<decimal>(NpgsqlDbType.Numeric, ct),
            Fulamt = await e.ReadAsync<decimal>(NpgsqlDbType.Numeric, ct),
            Overlmt = await e.ReadAsync<decimal>(NpgsqlDbType.Numeric, ct),
            Preselfpay = await e.ReadAsync<decimal>(NpgsqlDbType.Numeric, ct),
            Inscp = await e.ReadAsync<decimal>(NpgsqlDbType.Numeric, ct),
            ReversalOf = await Text(e, ct),
            SourceFile = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
            SourceLine = await e.ReadAsync<int>(NpgsqlDbType.Integer, ct),
            PersonKnown = await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct),
            PAdmdvs = await Text(e, ct),
            PInsutype = await Text(e, ct),
        };
        r.PBirth = await Date(e, ct) ?? default;
        r.PYear = await Int(e, ct) ?? 0;
        r.PEnrolKind = await Text(e, ct);
        r.PPaidDate = await Date(e, ct) ?? default;
        r.PPrevCoverEnd = await Date(e, ct);
        r.PBrokenYears = await Int(e, ct);
        r.PRepairedYears = await Int(e, ct);
        r.PContinuousYears = await Int(e, ct);
        r.PZeroClaimYears = await Int(e, ct);
        r.PLargeAmountPaidDate = await Date(e, ct);
        r.PHardship = await Text(e, ct);
        r.PAssistanceSubsidised = await Bool(e, ct);
        r.AccYear = await e.ReadAsync<int>(NpgsqlDbType.Integer, ct);
        r.Acc = await Longs(e, ct);
        string? oSetl = await Text(e, ct);
        if (oSetl is null)
        {
            for (int i = 0; i < 20; i++) await e.SkipAsync(ct);
        }
        else
        {
            r.Original = new OriginalResult
            {
                SetlId = oSetl,
                PsnNo = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
                Status = await e.ReadAsync<string>(NpgsqlDbType.Text, ct),
                Reason = await Text(e, ct),
                Year = await Int(e, ct) ?? 0,
                Medfee = await Long(e, ct),
                Fulamt = await Long(e, ct),
                Overlmt = await Long(e, ct),
                Preselfpay = await Long(e, ct),
                Inscp = await Long(e, ct),
                ActPayDedc = await Long(e, ct),
                HifpPay = await Long(e, ct),
                PoolPropBp = await e.ReadAsync<int>(NpgsqlDbType.Integer, ct),
                HifmiPay = await Long(e, ct),
                HifobPay = await Long(e, ct),
                MafPay = await Long(e, ct),
                MafTiltedPay = await Long(e, ct),
                FundPaySumamt = await Long(e, ct),
                PsnPartAmt = await Long(e, ct),
                AssumedParams = await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct),
                AccDelta = await Longs(e, ct),
            };
        }
        r.OriginalAlreadyReversed = await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct);
        return r;
    }

    private static async ValueTask<string?> Text(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<string>(NpgsqlDbType.Text, ct);
    }

    private static async ValueTask<int?> Int(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<int>(NpgsqlDbType.Integer, ct);
    }

    private static async ValueTask<long> Long(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return 0; }
        return await e.ReadAsync<long>(NpgsqlDbType.Bigint, ct);
    }

    private static async ValueTask<bool?> Bool(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<bool>(NpgsqlDbType.Boolean, ct);
    }

    private static async ValueTask<DateOnly?> Date(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<DateOnly>(NpgsqlDbType.Date, ct);
    }

    private static async ValueTask<long[]?> Longs(NpgsqlBinaryExporter e, CancellationToken ct)
    {
        if (e.IsNull) { await e.SkipAsync(ct); return null; }
        return await e.ReadAsync<long[]>(NpgsqlDbType.Array | NpgsqlDbType.Bigint, ct);
    }
}
