using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;

namespace BatchSettle.Core.Tests;

/// <summary>The shipped sql/policy/params.csv, found by walking up to BatchSettle.sln, plus claim/person builders.</summary>
internal static class TestPolicy
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BatchSettle.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("BatchSettle.sln not found above " + AppContext.BaseDirectory);
    });

    private static readonly Lazy<PolicySet> s_set = new(() => new PolicySet(PolicyCsv.Parse(File.ReadAllText(CsvPath))));

    public static string RepoRoot => s_root.Value;

    public static string CsvPath => Path.Combine(RepoRoot, "sql", "policy", "params.csv");

    public static PolicySet Set => s_set.Value;

    public static SettlementEngine Engine { get; } = new(Set);

    public static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static long Y(long yuan) => yuan * 100;

    public static ClaimIn Claim(Region region = Region.Benxi, InsuType insu = InsuType.Resident, MedType med = MedType.Inpatient,
        HospLevel lv = HospLevel.L3, FacKind kind = FacKind.General, CareSetting setting = CareSetting.Local,
        long inscp = 1_000_000, long ownpay = 0, string end = "2024-06-10", string? begin = null, string id = "C1")
    {
        var e = D(end);
        return new ClaimIn
        {
            BatchId = "B",
            SetlId = id,
            PsnNo = "P1",
            Region = region,
            InsuType = insu,
            MedType = med,
            FixmedinsCode = "H1",
            HospLevel = lv,
            FacKind = kind,
            Designated = true,
            Setting = setting,
            InProvince = setting != CareSetting.Temporary,
            BeginDate = begin is null ? e.AddDays(-5) : D(begin),
            EndDate = e,
            BedDays = 5,
            MedfeeSumamt = inscp + ownpay,
            FulamtOwnpayAmt = ownpay,
            InscpScpAmt = inscp,
        };
    }

    public static PersonIn Person(Region region = Region.Benxi, InsuType insu = InsuType.Resident, int year = 2024,
        string birth = "1970-05-01", EnrolKind kind = EnrolKind.Centralised, string? paid = null, string? hardship = null)
    {
        Codes.TryHardship(hardship, out var h, out _);
        return new PersonIn
        {
            PsnNo = "P1",
            Region = region,
            InsuType = insu,
            Birth = D(birth),
            Year = year,
            EnrolKind = kind,
            PaidDate = paid is null ? new DateOnly(year - 1, 11, 15) : D(paid),
            ContinuousYears = 1,
            LargeAmountPaidDate = insu == InsuType.Employee ? new DateOnly(year, 1, 10) : null,
            Hardship = h,
        };
    }

    /// <summary>Settles one claim with a fresh trace; returns the result.</summary>
    public static SettlementOut Settle(in ClaimIn claim, in PersonIn person, ref PersonYearState state, TraceBuffer? trace = null)
    {
        SettlementOut r = default;
        Engine.Settle(claim, true, person, ref state, ref r, trace ?? new TraceBuffer(64));
        return r;
    }

    public static SettlementOut Settle(in ClaimIn claim, in PersonIn person)
    {
        PersonYearState s = default;
        return Settle(claim, person, ref s);
    }
}
