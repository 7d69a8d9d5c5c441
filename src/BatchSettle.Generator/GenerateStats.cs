namespace BatchSettle.Generator;

/// <summary>What one generation wrote; printed by the command and checked by tests.</summary>
internal sealed class GenerateStats
{
    public const int BadKinds = 6;

    public long PersonRows { get; set; }
    public long ClaimRows { get; set; }
    public long Reversals { get; set; }
    public long Resubmissions { get; set; }
    public long BenxiClaims { get; set; }
    public long YingkouClaims { get; set; }

    /// <summary>Bad rows by <see cref="BadRowKind"/>.</summary>
    public long[] Bad { get; } = new long[BadKinds];

    public long BadTotal
    {
        get
        {
            long t = 0;
            foreach (long b in Bad) t += b;
            return t;
        }
    }
}
