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
        // Accumulators are kept per (psn_no, year, insutype) (migration 070, POLICY EL-01): a claim moves its own
        // insutype's row, and the person-level slots (AccSlot.PersonLevel: §8 assistance, §9 burden and alerts) move
        // in every row of the year, as the runner copies them to the sibling row after each claim.
        var ofYear = rows.Where(r => r.Year == y).Take(PersonClaimLimit).ToList();
        var sums = ofYear.Select(r => r.Insutype).Distinct(StringComparer.Ordinal)
            .ToDictionary(i => i, _ => new long[AccSlot.Count], StringComparer.Ordinal);
        var claims = new List<PersonClaim>();
        foreach (var r in ofYear)
        {
            IReadOnlyList<long>? after = null;
            if (r.AccDelta is { Length: > 0 } delta)
            {
                var own = sums[r.Insutype];
                for (var i = 0; i < Math.Min(delta.Length, own.Length); i++)
                {
                    if (AccSlot.PersonLevel(i))
                    {
                        foreach (var sum in sums.Values)
                        {
                            sum[i] += delta[i];
                        }
                    }
                    else
                    {
                        own[i] += delta[i];
                    }
                }

                after = own[..AccSlot.FirstEngineSlot];
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
        var stored = await OptionalAsync(async () => await conn.QueryAsync<StoredAccRow>(new CommandDefinition(
            "SELECT insutype AS Insutype, acc AS Acc FROM accumulator WHERE psn_no = @psnNo AND year = @y ORDER BY insutype",
            new { psnNo, y }, cancellationToken: cancellationToken)));
        // The page shows the stored row of the insutype of the year's last claim; "agrees" checks every stored row of
        // the year against its running sum (an insutype with no claim listed here counts as a disagreement).
        var shownInsutype = ofYear.Count > 0 ? ofYear[^1].Insutype : null;
        var shown = stored.FirstOrDefault(r => r.Insutype == shownInsutype) ?? (stored.Count == 1 ? stored[0] : null);
        long[]? storedAcc = shown?.Acc[..Math.Min(shown.Acc.Length, AccSlot.FirstEngineSlot)];
        bool? agrees = stored.Count == 0
            ? null
            : stored.All(row => sums.TryGetValue(row.Insutype, out var sum)
                && row.Acc.AsSpan(0, Math.Min(row.Acc.Length, AccSlot.FirstEngineSlot))
                    .SequenceEqual(sum.AsSpan(0, Math.Min(row.Acc.Length, AccSlot.FirstEngineSlot))));
        return new PersonYear(psnNo, y, years, registry, claims, PersonSlots, storedAcc, agrees);
    }

    private sealed class StoredAccRow
    {
        public string Insutype { get; init; } = "";
        public long[] Acc { get; init; } = [];
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
