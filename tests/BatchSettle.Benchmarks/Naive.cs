using System.Diagnostics;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Ledger;
using BatchSettle.Data.Migrations;
using BatchSettle.Data.Runs;
using Dapper;
using Npgsql;

namespace BatchSettle.Benchmarks;

/// <summary>
/// The same settlement written the way a typical implementation would: claims read with Dapper (joined with the
/// registry row in SQL), each claim validated and settled by the same engine, its result and ledger lines inserted
/// row by row with parameterised INSERTs, one transaction per 10,000 claims. Writes into copies of the real tables.
/// </summary>
internal static class Naive
{
    private sealed class Row
    {
        public long claim_seq { get; set; }
        public string setl_id { get; set; } = "";
        public string psn_no { get; set; } = "";
        public string admdvs { get; set; } = "";
        public string insutype { get; set; } = "";
        public string med_type { get; set; } = "";
        public string fixmedins_code { get; set; } = "";
        public string hosp_lv { get; set; } = "";
        public string fac_kind { get; set; } = "";
        public bool designated { get; set; }
        public string setting { get; set; } = "";
        public bool in_province { get; set; }
        public string? transfer_from_lv { get; set; }
        public DateTime begndate { get; set; }
        public DateTime enddate { get; set; }
        public int? bed_days { get; set; }
        public string? dise_codg { get; set; }
        public string? special_dise { get; set; }
        public string? excl_cause { get; set; }
        public bool? emergency { get; set; }
        public bool? approved { get; set; }
        public decimal medfee_sumamt { get; set; }
        public decimal fulamt_ownpay_amt { get; set; }
        public decimal overlmt_selfpay { get; set; }
        public decimal preselfpay_amt { get; set; }
        public decimal inscp_scp_amt { get; set; }
        public string? reversal_of { get; set; }
        public string source_file { get; set; } = "";
        public int source_line { get; set; }
        public bool known { get; set; }
        public string? p_admdvs { get; set; }
        public string? p_insutype { get; set; }
        public DateTime? p_brdy { get; set; }
        public int? p_year { get; set; }
        public string? p_enrol_kind { get; set; }
        public DateTime? p_paid_date { get; set; }
        public DateTime? p_prev_cover_end { get; set; }
        public int? p_broken_years { get; set; }
        public int? p_repaired_years { get; set; }
        public int? p_continuous_years { get; set; }
        public int? p_zero_claim_years { get; set; }
        public DateTime? p_large_amount_paid_date { get; set; }
        public string? p_hardship { get; set; }
        public bool? p_assistance_subsidised { get; set; }
    }

    public static async Task<(long Claims, double Seconds)> RunAsync(NpgsqlDataSource ds, int claims)
    {
        await using var conn = await ds.OpenConnectionAsync();
        await conn.ExecuteAsync(
            """
            DROP TABLE IF EXISTS naive_result, naive_ledger;
            CREATE TABLE naive_result (LIKE settlement_result INCLUDING ALL);
            CREATE TABLE naive_ledger (LIKE ledger_line INCLUDING ALL);
            """);
        var engine = new SettlementEngine(new PolicySet(await PolicyRows.ReadAllAsync(conn, CancellationToken.None)));
        var sw = Stopwatch.StartNew();
        var rows = (await conn.QueryAsync<Row>(
            """
            SELECT c.*, EXISTS (SELECT 1 FROM staging_person k WHERE k.psn_no = c.psn_no) AS known,
                   p.admdvs AS p_admdvs, p.insutype AS p_insutype, p.brdy AS p_brdy, p.year AS p_year,
                   p.enrol_kind AS p_enrol_kind, p.paid_date AS p_paid_date, p.prev_cover_end AS p_prev_cover_end,
                   p.broken_years AS p_broken_years, p.repaired_years AS p_repaired_years,
                   p.continuous_years AS p_continuous_years, p.zero_claim_years AS p_zero_claim_years,
                   p.large_amount_paid_date AS p_large_amount_paid_date, p.hardship AS p_hardship,
                   p.assistance_subsidised AS p_assistance_subsidised
            FROM (SELECT * FROM staging_claim ORDER BY batch_id, psn_no COLLATE "C", enddate, setl_id COLLATE "C" LIMIT @claims) c
            LEFT JOIN staging_person p ON p.psn_no = c.psn_no AND p.year = extract(year FROM c.enddate)::int
            ORDER BY c.batch_id, c.psn_no COLLATE "C", c.enddate, c.setl_id COLLATE "C"
            """, new { claims }, commandTimeout: 0)).ToList();

        var states = new Dictionary<(string, int), PersonYearState>();
        var errors = new List<(string Field, string Reason)>();
        var trace = new TraceBuffer(256);
        var lines = new List<LedgerLine>();
        long done = 0;
        NpgsqlTransaction? tx = null;
        foreach (var x in rows)
        {
            tx ??= await conn.BeginTransactionAsync();
            var row = ToClaimRow(x);
            var claim = default(ClaimIn);
            var person = default(PersonIn);
            ClaimValidator.Validate(in row, ref claim, ref person, errors);
            var res = default(SettlementOut);
            string status = "quarantined";
            string? reason = errors.Count > 0 ? errors[0].Reason : null;
            if (errors.Count == 0)
            {
                var key = (x.psn_no, claim.Year);
                states.TryGetValue(key, out var st);
                trace.Clear();
                engine.Settle(claim, row.PAdmdvs is not null, person, ref st, ref res, trace);
                states[key] = st;
                status = res.Status switch { SettlementStatus.Settled => "settled", SettlementStatus.Rejected => "rejected", _ => "quarantined" };
                reason = res.Reason;
            }
            await conn.ExecuteAsync(
                """
                INSERT INTO naive_result (setl_id, psn_no, batch_id, admdvs, insutype, med_type, fixmedins_code, year, status,
                    reason, medfee_sumamt, act_pay_dedc, hifp_pay, pool_prop_bp, hifmi_pay, hifob_pay, maf_pay,
                    fund_pay_sumamt, psn_part_amt, assumed_params, trace, run_id)
                VALUES (@SetlId, @PsnNo, @BatchId, @Admdvs, @Insutype, @MedType, @Fix, @Year, @Status, @Reason, @Medfee,
                    @Dedc, @Hifp, @Bp, @Hifmi, @Hifob, @Maf, @Fund, @Psn, @Assumed, @Trace, 1)
                """,
                new
                {
                    SetlId = x.setl_id, PsnNo = x.psn_no, BatchId = row.BatchId, Admdvs = x.admdvs, Insutype = x.insutype,
                    MedType = x.med_type, Fix = x.fixmedins_code, Year = x.enddate.Year, Status = status, Reason = reason,
                    Medfee = claim.MedfeeSumamt, Dedc = res.ActPayDedc, Hifp = res.HifpPay, Bp = res.PoolPropBp,
                    Hifmi = res.HifmiPay, Hifob = res.HifobPay, Maf = res.MafPay, Fund = res.FundPaySumamt,
                    Psn = res.PsnPartAmt, Assumed = res.AssumedParams,
                    Trace = TraceCodec.Encode(trace.Slice(res.TraceStart, res.TraceCount)),
                }, tx);
            if (status == "settled")
            {
                lines.Clear();
                LedgerPosting.Post(x.claim_seq, x.setl_id, false, x.insutype, x.fixmedins_code, res, lines);
                foreach (var l in lines)
                {
                    await conn.ExecuteAsync(
                        """
                        INSERT INTO naive_ledger (entry_id, line_no, setl_id, run_id, batch_id, kind, posted_at, account,
                            fund_pay_type, fixmedins_code, debit, credit)
                        VALUES (@EntryId, @LineNo, @SetlId, 1, @BatchId, @Kind, now(), @Account, @FundPayType, @FixmedinsCode, @Debit, @Credit)
                        """, new { l.EntryId, l.LineNo, l.SetlId, row.BatchId, l.Kind, l.Account, l.FundPayType, l.FixmedinsCode, l.Debit, l.Credit }, tx);
                }
            }
            if (++done % 10_000 == 0)
            {
                await tx.CommitAsync();
                await tx.DisposeAsync();
                tx = null;
            }
        }
        if (tx is not null)
        {
            await tx.CommitAsync();
            await tx.DisposeAsync();
        }
        sw.Stop();
        await conn.ExecuteAsync("DROP TABLE naive_result, naive_ledger");
        return (done, sw.Elapsed.TotalSeconds);
    }

    private static ClaimRow ToClaimRow(Row x) => new()
    {
        ClaimSeq = x.claim_seq, BatchId = x.admdvs + "-batch", SetlId = x.setl_id, PsnNo = x.psn_no, Admdvs = x.admdvs,
        Insutype = x.insutype, MedType = x.med_type, FixmedinsCode = x.fixmedins_code, HospLv = x.hosp_lv,
        FacKind = x.fac_kind, Designated = x.designated, Setting = x.setting, InProvince = x.in_province,
        TransferFromLv = x.transfer_from_lv, BeginDate = DateOnly.FromDateTime(x.begndate),
        EndDate = DateOnly.FromDateTime(x.enddate), BedDays = x.bed_days, DiseCodg = x.dise_codg,
        SpecialDise = x.special_dise, ExclCause = x.excl_cause, Emergency = x.emergency, Approved = x.approved,
        Medfee = x.medfee_sumamt, Fulamt = x.fulamt_ownpay_amt, Overlmt = x.overlmt_selfpay,
        Preselfpay = x.preselfpay_amt, Inscp = x.inscp_scp_amt, ReversalOf = x.reversal_of,
        SourceFile = x.source_file, SourceLine = x.source_line, PersonKnown = x.known, PAdmdvs = x.p_admdvs,
        PInsutype = x.p_insutype, PBirth = x.p_brdy is { } b ? DateOnly.FromDateTime(b) : default, PYear = x.p_year ?? 0,
        PEnrolKind = x.p_enrol_kind, PPaidDate = x.p_paid_date is { } pd ? DateOnly.FromDateTime(pd) : default,
        PPrevCoverEnd = x.p_prev_cover_end is { } pc ? DateOnly.FromDateTime(pc) : null,
        PBrokenYears = x.p_broken_years, PRepairedYears = x.p_repaired_years, PContinuousYears = x.p_continuous_years,
        PZeroClaimYears = x.p_zero_claim_years,
        PLargeAmountPaidDate = x.p_large_amount_paid_date is { } la ? DateOnly.FromDateTime(la) : null,
        PHardship = x.p_hardship, PAssistanceSubsidised = x.p_assistance_subsidised,
    };
}
