using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

/// <summary>
/// The population model: who the synthetic insured are (POLICY.md §1, §4, §7–§8 shape the choices). Pure function of
/// (seed, person index).
/// </summary>
internal static class PersonModel
{
    /// <summary>Every HeavyStride-th person (at offset HeavyOffset) is a heavy user.</summary>
    public const int HeavyStride = 32;
    public const int HeavyOffset = 7;

    private const ulong PersonStream = 0x5045_5253_4F4E_0000UL; // "PERSON"

    // Hardship identity weights, in HardshipCategory order T O D E F M N I S.
    private static ReadOnlySpan<int> HardshipWeights => [10, 5, 30, 15, 8, 10, 8, 7, 7];

    /// <summary>True when person <paramref name="index"/> is a heavy user (cheap, without deriving the person).</summary>
    public static bool IsHeavy(int index) => index % HeavyStride == HeavyOffset;

    /// <summary>
    /// How often person <paramref name="index"/> claims, without deriving the person: 0 never (35%), 1 rarely (48%),
    /// 2 often (17%); heavy users come on top through <see cref="IsHeavy"/>.
    /// </summary>
    public static int FrequencyClass(ulong seed, int index)
    {
        ulong x = seed ^ ((ulong)index * 0x9E3779B97F4A7C15UL) ^ 0x4652_4551UL;
        int r = (int)(Xoshiro256.SplitMix64(ref x) % 100);
        return r < 35 ? 0 : r < 83 ? 1 : 2;
    }

    /// <summary>psn_no: the insured region's admdvs then ten digits of the index (e.g. 2105000000012345).</summary>
    public static void WritePsnNo(CsvLine line, Region region, long index)
    {
        line.Text(Codes.Admdvs(region));
        line.AppendDigits(index, 10);
    }

    public static PersonFacts Derive(ulong seed, int index, in GenerateOptions o)
    {
        var rng = Xoshiro256.ForStream(seed, PersonStream + (ulong)index);
        int year = o.Year;
        var jan1 = new DateOnly(year, 1, 1);
        var p = new PersonFacts
        {
            Index = index,
            Region = rng.Below(100) < 55 ? Region.Benxi : Region.Yingkou,
            Employee = rng.Below(100) < 42,
            Heavy = IsHeavy(index),
            Chronic = -1,
        };

        int age = p.Employee ? EmployeeAge(ref rng) : ResidentAge(ref rng);
        p.Birth = RandomDay(ref rng, new DateOnly(year - age, 1, 1), new DateOnly(year - age, 12, 31));
        if (age == 0)
        {
            // Newborns: born from October of the year before up to the end of the batch month.
            p.Birth = RandomDay(ref rng, new DateOnly(year - 1, 10, 1), o.MonthEnd);
        }

        DeriveEnrolment(ref rng, ref p, age, o, jan1);
        DeriveHardship(ref rng, ref p, o);

        int chronicPermille = p.Heavy ? 450 : age >= 30 ? 70 : 8;
        if (rng.Permille(chronicPermille))
        {
            p.Chronic = rng.Below(ChronicCodes.All.Length);
        }
        if (!p.Employee && age >= 35 && rng.Permille(p.Heavy ? 400 : 180))
        {
            p.TwoDiseases = rng.Below(100) < 60 ? 1 : 2;
        }
        return p;
    }

    private static int EmployeeAge(ref Xoshiro256 rng) =>
        rng.Below(100) switch
        {
            < 75 => (int)rng.Between(20, 59),   // working
            < 97 => (int)rng.Between(60, 79),   // retired, still employee insurance
            _ => (int)rng.Between(80, 95),
        };

    private static int ResidentAge(ref Xoshiro256 rng) =>
        rng.Below(100) switch
        {
            < 2 => 0,                           // newborns
            < 17 => (int)rng.Between(1, 14),    // children (大病 child rules: 0–14)
            < 27 => (int)rng.Between(15, 24),   // students, graduates
            < 72 => (int)rng.Between(25, 64),
            _ => (int)rng.Between(65, 95),
        };

    private static void DeriveEnrolment(ref Xoshiro256 rng, ref PersonFacts p, int age, in GenerateOptions o, DateOnly jan1)
    {
        int year = o.Year;
        // Mid-year payments happen from January up to the batch month's end (a later payment would not matter for the batch).
        DateOnly latestPayment = o.MonthEnd;
        if (age == 0)
        {
            p.Enrol = EnrolKind.Newborn;
            // Mostly within 3 months of birth (covered from birth), some later (covered from payment / waiting period).
            int delay = rng.Below(100) < 75 ? (int)rng.Between(3, 85) : (int)rng.Between(95, 200);
            p.PaidDate = Min(p.Birth.AddDays(delay), new DateOnly(year, 12, 31));
        }
        else
        {
            int roll = rng.Below(1000);
            if (p.Employee)
            {
                if (roll < 900)
                {
                    p.Enrol = EnrolKind.Centralised;
                    p.PaidDate = RandomDay(ref rng, jan1, jan1.AddDays(14));
                }
                else if (roll < 970)
                {
                    p.Enrol = EnrolKind.MidYear;
                    p.PaidDate = RandomDay(ref rng, jan1, latestPayment);
                }
                else
                {
                    p.Enrol = EnrolKind.VeteranOrReleased;
                    p.PaidDate = RandomDay(ref rng, jan1, latestPayment);
                }
            }
            else if (age is >= 6 and <= 22 && roll < 500)
            {
                p.Enrol = EnrolKind.Student;
                p.PaidDate = RandomDay(ref rng, new DateOnly(year - 1, 9, 1), new DateOnly(year - 1, 12, 31));
            }
            else if (age is >= 21 and <= 25 && roll < 650)
            {
                p.Enrol = EnrolKind.Graduate;
                p.PaidDate = RandomDay(ref rng, jan1, latestPayment);
            }
            else if (roll < 840)
            {
                p.Enrol = EnrolKind.Centralised;
                p.PaidDate = RandomDay(ref rng, new DateOnly(year - 1, 9, 1), new DateOnly(year - 1, 12, 31));
            }
            else if (roll < 920)
            {
                p.Enrol = EnrolKind.MidYear;
                p.PaidDate = RandomDay(ref rng, jan1, latestPayment);
            }
            else if (roll < 975 && age >= 18)
            {
                p.Enrol = EnrolKind.JobLoss;
                var coverEnd = RandomDay(ref rng, jan1.AddMonths(-4), o.MonthStart.AddDays(-1));
                p.PrevCoverEnd = coverEnd;
                // Within 90 days mostly (continuous cover), sometimes later (waiting period).
                int lag = rng.Below(100) < 80 ? (int)rng.Between(1, 85) : (int)rng.Between(95, 150);
                p.PaidDate = Min(coverEnd.AddDays(lag), latestPayment);
            }
            else if (age >= 18)
            {
                p.Enrol = EnrolKind.VeteranOrReleased;
                p.PaidDate = RandomDay(ref rng, jan1, latestPayment);
            }
            else
            {
                p.Enrol = EnrolKind.Centralised;
                p.PaidDate = RandomDay(ref rng, new DateOnly(year - 1, 9, 1), new DateOnly(year - 1, 12, 31));
            }
        }

        // Breaks: common among mid-year enrolments (the EL-04 variable waiting period), rare otherwise.
        int breakPermille = p.Enrol switch { EnrolKind.MidYear => 500, EnrolKind.Centralised => 20, _ => 0 };
        if (rng.Permille(breakPermille))
        {
            p.BrokenYears = rng.Below(100) < 70 ? (int)rng.Between(1, 3) : (int)rng.Between(4, 7);
            p.RepairedYears = rng.Below(100) < 60 ? 0 : rng.Below(p.BrokenYears + 1);
        }
        // Only the collection-period enrolments (employees' continuous cover among them) run on from earlier years.
        p.ContinuousYears = p.BrokenYears > 0 || p.Enrol is not (EnrolKind.Centralised or EnrolKind.Student)
            ? 1
            : 1 + rng.Below(Math.Clamp(age, 1, 20));
        if (!p.Employee)
        {
            p.ZeroClaimYears = rng.Below(100) < 30 ? (int)rng.Between(1, 4) : 0;
        }
        else
        {
            // 大额 premium (EL-06): mostly paid by March 31, some later, some not at all.
            int r = rng.Below(100);
            if (r < 80) p.LargeAmountPaid = RandomDay(ref rng, jan1, new DateOnly(year, 3, 31));
            else if (r < 88) p.LargeAmountPaid = RandomDay(ref rng, new DateOnly(year, 4, 1), new DateOnly(year, 6, 30));
        }
        p.HasPrevYear = p.ContinuousYears > 1 && rng.Below(100) < 20;
    }

    private static void DeriveHardship(ref Xoshiro256 rng, ref PersonFacts p, in GenerateOptions o)
    {
        if (!rng.Permille(p.Employee ? 5 : 40)) return;
        p.HardshipCount = rng.Below(100) < 80 ? 1 : 2;
        p.Hardship1 = (HardshipCategory)rng.Pick(HardshipWeights);
        p.Hardship1Start = HardshipStart(ref rng, o);
        if (p.HardshipCount == 2)
        {
            p.Hardship2 = (HardshipCategory)rng.Pick(HardshipWeights);
            if (p.Hardship2 == p.Hardship1) p.Hardship2 = (HardshipCategory)(((int)p.Hardship1 + 1) % HardshipStarts.Count);
            p.Hardship2Start = HardshipStart(ref rng, o);
        }
        // Premium paid by assistance for the identities §11 subsidises (I is assisted on application only).
        p.AssistanceSubsidised = !p.Employee && (p.Hardship1 != HardshipCategory.I || p.HardshipCount == 2) && rng.Below(100) < 90;
    }

    private static DateOnly HardshipStart(ref Xoshiro256 rng, in GenerateOptions o) =>
        // 30% were recognised this year, some inside the batch month, so claims straddle the start (EL-07).
        rng.Below(100) < 30
            ? RandomDay(ref rng, new DateOnly(o.Year, 1, 1), o.MonthEnd)
            : RandomDay(ref rng, new DateOnly(o.Year - 6, 1, 1), new DateOnly(o.Year - 1, 12, 31));

    public static DateOnly RandomDay(ref Xoshiro256 rng, DateOnly from, DateOnly to) =>
        DateOnly.FromDayNumber((int)rng.Between(from.DayNumber, to.DayNumber));

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
