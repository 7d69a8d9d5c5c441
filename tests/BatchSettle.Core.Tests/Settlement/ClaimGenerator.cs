using BatchSettle.Core.Domain;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

/// <summary>Deterministic random persons and ordered claim sequences for property tests.</summary>
internal static class ClaimGenerator
{
    // At most three diseases with a monthly limit (the engine's lanes): renal_esrd, cancer_drug and (for a child) autism.
    private static readonly string[] s_chronic = ["renal_esrd", "cancer_drug", "stroke_sequelae", "child_autism"];
    private static readonly MedType[] s_med =
    [
        MedType.Inpatient, MedType.Inpatient, MedType.Inpatient, MedType.Outpatient, MedType.Outpatient, MedType.EmergencyObservation,
        MedType.ChronicOutpatient, MedType.MaternityInpatient, MedType.MaternityOutpatient, MedType.FamilyPlanning, MedType.TwoDiseases,
    ];

    public static (PersonIn Person, ClaimIn[] Claims) Generate(int seed)
    {
        var rnd = new Random(seed);
        var region = rnd.Next(2) == 0 ? Region.Benxi : Region.Yingkou;
        var insu = rnd.Next(3) == 0 ? InsuType.Employee : InsuType.Resident;
        int year = 2023 + rnd.Next(3);
        string? hardship = null;
        if (rnd.Next(2) == 0)
        {
            const string cats = "TODEFMNISP";
            hardship = $"{cats[rnd.Next(10)]}:{year}-{1 + rnd.Next(12):D2}-01";
            if (rnd.Next(3) == 0) hardship += $";{cats[rnd.Next(10)]}:{year - 1}-06-01";
        }
        var p = Person(region, insu, year, birth: $"{1950 + rnd.Next(70)}-0{1 + rnd.Next(9)}-15", hardship: hardship);
        p.ContinuousYears = 1 + rnd.Next(12);
        p.ZeroClaimYears = rnd.Next(4);
        p.AssistanceSubsidised = rnd.Next(5) == 0;
        p.University = rnd.Next(6) == 0;
        p.NotMaternityInsured = rnd.Next(8) == 0;
        if (insu == InsuType.Employee && rnd.Next(4) == 0) p.LargeAmountPaidDate = new DateOnly(year, 1 + rnd.Next(12), 5);
        int n = 1 + rnd.Next(14);
        var claims = new ClaimIn[n];
        int day = 0;
        for (int i = 0; i < n; i++)
        {
            day += rnd.Next(365 / n);
            var end = new DateOnly(year, 1, 1).AddDays(Math.Min(day, 364));
            var med = s_med[rnd.Next(s_med.Length)];
            long inscp = rnd.Next(4) switch { 0 => rnd.Next(100_000), 1 => rnd.Next(2_000_000), 2 => rnd.Next(20_000_000), _ => rnd.Next(60_000_000) };
            long own = rnd.Next(3) == 0 ? rnd.Next(500_000) : 0;
            var c = Claim(region, insu, med, (HospLevel)(1 + rnd.Next(4)), (FacKind)(1 + rnd.Next(5)), (CareSetting)(1 + rnd.Next(5)),
                inscp, own, end.ToString("yyyy-MM-dd", null), end.AddDays(-rnd.Next(10)).ToString("yyyy-MM-dd", null), $"C{i:D3}");
            if (c.BeginDate.Year != year) c.BeginDate = end;
            c.OverlmtSelfpay = rnd.Next(3) == 0 ? rnd.Next(100_000) : 0;
            c.MedfeeSumamt += c.OverlmtSelfpay;
            c.Designated = rnd.Next(10) != 0;
            c.Emergency = rnd.Next(5) == 0;
            c.InProvince = c.Setting != CareSetting.Temporary || rnd.Next(2) == 0;
            c.BedDays = rnd.Next(60);
            if (rnd.Next(6) == 0 && c.Setting == CareSetting.Local) c.TransferFromLevel = (HospLevel)(1 + rnd.Next(4));
            c.SpecialDisease = rnd.Next(6) switch
            {
                0 => SpecialDisease.Tuberculosis,
                1 => SpecialDisease.Psychiatric,
                2 => SpecialDisease.ChildMajor,
                _ => SpecialDisease.None,
            };
            if (med == MedType.ChronicOutpatient)
            {
                c.SpecialDisease = SpecialDisease.Chronic;
                c.ChronicCode = s_chronic[rnd.Next(s_chronic.Length)];
            }
            if (med == MedType.TwoDiseases) c.SpecialDisease = rnd.Next(2) == 0 ? SpecialDisease.Hypertension : SpecialDisease.Diabetes;
            if (rnd.Next(25) == 0) c.ExclusionCause = ExclusionCause.ThirdParty;
            c.HighValueDrug = rnd.Next(20) == 0;
            c.DiseQualified = rnd.Next(4) == 0;
            if (c.SpecialDisease == SpecialDisease.None && c.MedType == MedType.Inpatient && rnd.Next(10) == 0)
                c.SpecialDisease = SpecialDisease.Infectious;
            claims[i] = c;
        }
        return (p, claims);
    }
}
