using BatchSettle.Core.Settlement;
using Dapper;

namespace BatchSettle.Dashboard;

internal sealed partial class DashboardStore
{
    /// <summary>Most results one person-year page lists (a person has tens of claims a year, not thousands).</summary>
    private const int PersonClaimLimit = 2_000;

    /// <summary>The accumulator slots the person page shows: the named ones (0..19); the engine's packed slots are not.</summary>
    private static readonly AccumulatorSlot[] PersonSlots = BuildPersonSlots();

    private static AccumulatorSlot[] BuildPersonSlots()
    {
        var slots = new AccumulatorSlot[AccSlot.FirstEngineSlot];
        for (var i = 0; i < slots.Length; i++)
        {
            var money = i is not (AccSlot.LocalAdmissions or AccSlot.AlertsRaised or AccSlot.ZeroClaimIncentiveReset or AccSlot.Claims);
            slots[i] = new AccumulatorSlot(i, AccSlot.Names[i], money);
        }

        return slots;
    }

    /// <summary>
    /// A person's year: every result of the person whose claim falls in <paramref name="year"/> (the result's year, else
    /// its settlement date's), in settlement order — the run that settled it, then (enddate, setl_id) as a run settles a
    /// person's claims — with the accumulators after each, the running sum of the results' <c>acc_delta</c> from zero.
    /// Null when the person has no result at all. With <paramref name="year"/> null, the person's latest year.
    /// <para>
    /// Claims are found through <c>staging_claim</c>'s (batch_id, psn_no) index, one probe per batch that has a run,
    /// then their results by claim_seq: <c>settlement_result</c> has no index on psn_no (it would slow every result
    /// COPY). A claim row the loader could not type has no staging row and does not appear.
    /// </para>
    /// </summary>
    public async Task<PersonYear?> PersonYearAsync(string psnNo, int? year, CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await conn.QueryAsync<PersonRow>(new CommandDefinition(
            """
            WITH batches AS (SELECT array_agg(DISTINCT batch_id) AS ids FROM run)
            SELECT r.setl_id AS SetlId, r.run_id AS RunId, r.batch_id AS BatchId, r.status AS Status, r.reason AS Reason,
                   r.insutype AS Insutype, r.med_type AS MedType, r.fixmedins_code AS FixmedinsCode,
                   c.begndate AS BeginDate, c.enddate AS EndDate,
                   CASE WHEN r.status = 'quarantined' THEN NULL ELSE r.medfee_sumamt END AS Medfee,
                   r.hifp_pay AS HifpPay, r.hifmi_pay AS HifmiPay, r.hifob_pay AS HifobPay, r.maf_pay AS MafPay,
                   r.fund_pay_sumamt AS FundPaySumamt, r.psn_part_amt AS PsnPartAmt, r.assumed_params AS AssumedParams,
                   r.reversal_of AS ReversalOf, r.acc_delta AS AccDelta,
                   coalesce(r.year, extract(year FROM c.enddate)::int) AS Year
            FROM batches b
            JOIN staging_claim c ON c.batch_id = ANY (b.ids) AND c.psn_no COLLATE "C" = @psnNo
            JOIN settlement_result r ON r.claim_seq = c.claim_seq
            ORDER BY r.run_id, c.enddate, c.setl_id COLLATE "C"
            """,
            new { psnNo }, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var years = rows.Select(r => r.Year).Distinct().Order().ToList();
        var y = year ?? years[^1];
        var sum = new long[AccSlot.Count];
        var claims = new List<PersonClaim>();
        foreach (var r in rows.Where(r => r.Year == y).Take(PersonClaimLimit))
        {
            IReadOnlyList<long>? after = null;
            if (r.AccDelta is { Length: > 0 } delta)
            {
                for (var i = 0; i < Math.Min(delta.Length, sum.Length); i++)
                {
                    sum[i] += delta[i];
                }

                after = sum[..AccSlot.FirstEngineSlot];
            }

            claims.Add(r.ToClaim(after));
        }

        var registry = await OptionalAsync(async () => await conn.QueryAsync<PersonRegistryRow>(new CommandDefinition(
            """
            SELECT admdvs AS Admdvs, insutype AS Insutype, enrol_kind AS EnrolKind, paid_date AS PaidDate, hardship AS Hardship,
                   continuous_years AS ContinuousYears, zero_claim_years AS ZeroClaimYears
            FROM staging_person WHERE psn_no = @psnNo AND year = @y ORDER BY insutype
            """,
            new { psnNo, y }, cancellationToken: cancellationToken)));
        var stored = await OptionalAsync(async () => await conn.QueryAsync<long[]>(new CommandDefinition(
            "SELECT acc FROM accumulator WHERE psn_no = @psnNo AND year = @y", new { psnNo, y }, cancellationToken: cancellationToken)));
        long[]? storedAcc = stored.Count == 1 ? stored[0][..Math.Min(stored[0].Length, AccSlot.FirstEngineSlot)] : null;
        bool? agrees = storedAcc is null ? null : storedAcc.AsSpan().SequenceEqual(sum.AsSpan(0, storedAcc.Length));
        return new PersonYear(psnNo, y, years, registry, claims, PersonSlots, storedAcc, agrees);
    }

    private sealed class PersonRow
    {
        public string SetlId { get; init; } = "";
        public long RunId { get; init; }
        public string BatchId { get; init; } = "";
        public string Status { get; init; } = "";
        public string? Reason { get; init; }
        public string Insutype { get; init; } = "";
        public string MedType { get; init; } = "";
        public string FixmedinsCode { get; init; } = "";
        public DateTime? BeginDate { get; init; }
        public DateTime? EndDate { get; init; }
        public long? Medfee { get; init; }
        public long HifpPay { get; init; }
        public long HifmiPay { get; init; }
        public long HifobPay { get; init; }
        public long MafPay { get; init; }
        public long FundPaySumamt { get; init; }
        public long PsnPartAmt { get; init; }
        public bool AssumedParams { get; init; }
        public string? ReversalOf { get; init; }
        public long[]? AccDelta { get; init; }
        public int Year { get; init; }

        public PersonClaim ToClaim(IReadOnlyList<long>? after) => new()
        {
            SetlId = SetlId, RunId = RunId, BatchId = BatchId, Status = Status, Reason = Reason, Insutype = Insutype,
            MedType = MedType, FixmedinsCode = FixmedinsCode,
            BeginDate = BeginDate is { } b ? DateOnly.FromDateTime(b) : null,
            EndDate = EndDate is { } e ? DateOnly.FromDateTime(e) : null,
            Medfee = Medfee, HifpPay = HifpPay, HifmiPay = HifmiPay, HifobPay = HifobPay, MafPay = MafPay,
            FundPaySumamt = FundPaySumamt, PsnPartAmt = PsnPartAmt, AssumedParams = AssumedParams, ReversalOf = ReversalOf,
            AccAfter = after,
        };
    }
}
