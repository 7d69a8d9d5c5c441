namespace BatchSettle.Generator;

/// <summary>
/// Claim amounts in fen, integer only: a piecewise-uniform approximation of each med_type's long-tailed cost
/// distribution (buckets of yuan ranges with per-mille weights), then the split into the four contract parts so that
/// medfee = fulamt_ownpay + overlmt_selfpay + preselfpay + inscp_scp exactly.
/// </summary>
internal static class AmountModel
{
    // Per med_type index (ClaimModel.MedTypeCodes order: 11, 9901, 14, 13, 21, 51, 52, 53): weights and [lo, hi] yuan.
    private static readonly int[][] Weights =
    [
        [600, 330, 60, 10],
        [700, 300],
        [500, 400, 100],
        [600, 350, 50],
        [300, 400, 220, 60, 17, 3],
        [800, 200],
        [600, 350, 50],
        [700, 300],
    ];

    private static readonly int[][] Bounds =
    [
        [15, 150, 150, 600, 600, 2_000, 2_000, 6_000],
        [20, 150, 150, 400],
        [100, 600, 600, 2_500, 2_500, 9_000],
        [200, 2_000, 2_000, 8_000, 8_000, 30_000],
        [1_500, 6_000, 6_000, 20_000, 20_000, 60_000, 60_000, 150_000, 150_000, 400_000, 400_000, 800_000],
        [80, 600, 600, 2_000],
        [3_000, 8_000, 8_000, 20_000, 20_000, 60_000],
        [300, 2_000, 2_000, 6_000],
    ];

    /// <summary>Total cost in fen; <paramref name="minBucket"/> &gt; 0 skews to the expensive end (e.g. child major disease).</summary>
    public static long MedFee(ref Xoshiro256 rng, int medTypeIndex, int minBucket)
    {
        int[] w = Weights[medTypeIndex];
        int b = Math.Min(minBucket + rng.Pick(w.AsSpan(Math.Min(minBucket, w.Length - 1))), w.Length - 1);
        int[] bounds = Bounds[medTypeIndex];
        return rng.Between(bounds[2 * b] * 100L, bounds[(2 * b) + 1] * 100L);
    }

    /// <summary>Splits <see cref="ClaimRow.MedFee"/> into the four parts; policy scope takes the remainder.</summary>
    public static void Split(ref Xoshiro256 rng, ref ClaimRow c, bool outpatient)
    {
        long fee = c.MedFee;
        c.FullOwnPay = rng.Permille(outpatient ? 400 : 900) ? fee * rng.Between(0, outpatient ? 2_000 : 1_500) / 10_000 : 0;
        c.OverLimit = rng.Permille(150) ? fee * rng.Between(0, 500) / 10_000 : 0;
        c.PreSelfPay = rng.Permille(outpatient ? 500 : 950) ? fee * rng.Between(0, outpatient ? 800 : 1_200) / 10_000 : 0;
        c.InScope = fee - c.FullOwnPay - c.OverLimit - c.PreSelfPay;
    }
}
