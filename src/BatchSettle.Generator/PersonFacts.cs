using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

/// <summary>
/// Everything the generator knows about one synthetic person. Derived from (seed, index) alone by
/// <see cref="PersonModel.Derive"/>, so the claims pass recomputes it instead of holding millions of persons in memory.
/// </summary>
internal struct PersonFacts
{
    public int Index;
    public Region Region;
    public bool Employee;
    public DateOnly Birth;
    public EnrolKind Enrol;
    public DateOnly PaidDate;
    public DateOnly? PrevCoverEnd;
    public int BrokenYears;
    public int RepairedYears;
    public int ContinuousYears;
    public int ZeroClaimYears;
    public DateOnly? LargeAmountPaid;
    /// <summary>Up to two hardship identities; <see cref="HardshipCount"/> says how many.</summary>
    public HardshipCategory Hardship1;
    public DateOnly Hardship1Start;
    public HardshipCategory Hardship2;
    public DateOnly Hardship2Start;
    public int HardshipCount;
    public bool AssistanceSubsidised;
    /// <summary>Also has a registry row for the year before.</summary>
    public bool HasPrevYear;
    /// <summary>Index into <see cref="ChronicCodes.All"/>, or -1.</summary>
    public int Chronic;
    /// <summary>门诊两病: 0 none, 1 hypertension, 2 diabetes.</summary>
    public int TwoDiseases;
    /// <summary>A heavy user: many claims a month.</summary>
    public bool Heavy;

    /// <summary>Age in whole years on <paramref name="d"/>.</summary>
    public readonly int AgeOn(DateOnly d)
    {
        int age = d.Year - Birth.Year;
        if (d.Month < Birth.Month || (d.Month == Birth.Month && d.Day < Birth.Day)) age--;
        return age;
    }
}
