using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using BatchSettle.Data.Migrations;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace BatchSettle.Benchmarks;

/// <summary>
/// The settlement of a block of claims, alone: ns per claim (Mean / <see cref="Block"/>) and bytes allocated (must be
/// 0). The block mixes outpatient, inpatient, chronic, 两病, maternity and emergency claims of both regions and
/// insurance types, each person with a few claims so accumulators and caps are exercised.
/// </summary>
[MemoryDiagnoser]
public class CalculatorBenchmark
{
    public const int Block = 1024;
    private SettlementEngine _engine = null!;
    private readonly ClaimIn[] _claims = new ClaimIn[Block];
    private readonly PersonIn[] _persons = new PersonIn[Block];
    private readonly PersonYearState[] _states = new PersonYearState[Block];
    private readonly SettlementOut[] _out = new SettlementOut[Block];
    private readonly TraceBuffer _trace = new(Block * 16);

    public static int Run(string[] args)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator);
        var summary = BenchmarkRunner.Run<CalculatorBenchmark>(config, args);
        // One machine-readable line for MicroMatrix (ops/bench --micro): ns per claim (BenchmarkDotNet divides by
        // OperationsPerInvoke), bytes allocated per claim, and the runtime's actual tiering settings.
        foreach (var r in summary.Reports)
        {
            if (r.ResultStatistics is not { } st) continue;
            long? alloc = r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase);
            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"MICRO median_ns={st.Median:F1} mean_ns={st.Mean:F1} alloc={alloc ?? -1} r2r_core={IsReadyToRun(typeof(SettlementEngine).Assembly)}"));
        }
        return summary.Reports.Any(r => r.ResultStatistics is not null) ? 0 : 1;
    }

    /// <summary>Whether an assembly carries ReadyToRun code (its PE file has a managed native header).</summary>
    private static bool IsReadyToRun(System.Reflection.Assembly asm)
    {
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(asm.Location));
        return pe.PEHeaders.CorHeader?.ManagedNativeHeaderDirectory.Size > 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        var policy = new PolicySet(PolicyCsv.Parse(File.ReadAllText(Path.Combine(SqlLocator.Find(), "policy", "params.csv"))));
        _engine = new SettlementEngine(policy);
        string[] med = ["11", "11", "11", "21", "14", "9901", "13", "51", "52", "21"];
        string[] lv = ["1", "2", "3", "3A"];
        for (int i = 0; i < Block; i++)
        {
            var region = i % 2 == 0 ? Region.Benxi : Region.Yingkou;
            var insu = i % 3 == 0 ? InsuType.Resident : InsuType.Employee;
            Codes.TryMedType(med[i % med.Length], out var mt);
            Codes.TryHospLevel(lv[i % lv.Length], out var hl);
            long fee = mt == MedType.Inpatient ? 800_000 + i * 997 : 12_000 + i * 37;
            _claims[i] = new ClaimIn
            {
                BatchId = "210500-2025-03", SetlId = "S" + i, PsnNo = "P" + (i / 4), Region = region, InsuType = insu,
                MedType = mt, FixmedinsCode = "H1", HospLevel = hl, FacKind = FacKind.General, Designated = true,
                Setting = CareSetting.Local, InProvince = true, BeginDate = new DateOnly(2025, 3, 1),
                EndDate = new DateOnly(2025, 3, 5 + i % 20), BedDays = mt == MedType.Inpatient ? 5 : -1,
                DiseCodg = mt == MedType.TwoDiseases ? "I10" : "J18.9",
                SpecialDisease = SpecialDisease.None, MedfeeSumamt = fee, FulamtOwnpayAmt = fee / 10,
                OverlmtSelfpay = 0, PreselfpayAmt = fee / 20, InscpScpAmt = fee - fee / 10 - fee / 20,
            };
            _persons[i] = new PersonIn
            {
                PsnNo = "P" + (i / 4), Region = region, InsuType = insu, Birth = new DateOnly(1960 + i % 50, 1, 1),
                Year = 2025, EnrolKind = EnrolKind.Centralised, PaidDate = new DateOnly(2024, 12, 1), ContinuousYears = 5,
            };
        }
    }

    /// <summary>One block: each claim against its person's accumulators (four claims a person).</summary>
    [Benchmark(OperationsPerInvoke = Block)]
    public long SettleBlock()
    {
        _trace.Clear();
        Array.Clear(_states);
        long paid = 0;
        var claims = _claims.AsSpan();
        var persons = _persons.AsSpan();
        var outs = _out.AsSpan();
        for (int i = 0; i < claims.Length; i++)
        {
            _engine.Settle(claims[i], enrolled: true, persons[i], ref _states[i / 4], ref outs[i], _trace);
            paid += outs[i].FundPaySumamt;
        }
        return paid;
    }
}
