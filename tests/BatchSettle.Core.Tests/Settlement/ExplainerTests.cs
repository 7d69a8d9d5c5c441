using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using FsCheck.Xunit;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class ExplainerTests
{
    [Fact]
    public void Explain_ThreeTierClaim_ListsEveryStepAndSplit()
    {
        var trace = new TraceBuffer(64);
        PersonYearState s = default;
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L3A, inscp: Y(100_000), ownpay: Y(2_000)),
            Person(Region.Yingkou, hardship: "D:2020-01-01"), ref s, trace);
        string text = Explainer.Explain(TraceCodec.Encode(trace.Slice(r.TraceStart, r.TraceCount)), r, Set);
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "batchsettle-explain-sample.txt"), text);
        foreach (var rule in new[] { "EL-01", "YK-IP-01", "YK-IP-04", "CI-01", "CI-04", "YK-MA-03", "YK-MA-04", "YK-MA-05", "EW-01" })
            Assert.Contains($"[{rule}]", text);
        Assert.Contains("ip.seg_point/level3a_general = 5000.00 yuan (interpreted;", text);
        Assert.Contains("maf_pay (assistance)", text);
        Assert.Contains("note: an assumed parameter was used", text);
    }

    [Property(MaxTest = 100)]
    public void Encode_GeneratedClaims_RoundTrips(int seed)
    {
        var (p, claims) = ClaimGenerator.Generate(seed);
        var trace = new TraceBuffer(64);
        PersonYearState s = default;
        foreach (var c in claims)
        {
            SettlementOut r = default;
            Engine.Settle(c, true, p, ref s, ref r, trace);
            var steps = trace.Slice(r.TraceStart, r.TraceCount);
            Assert.Equal(steps.ToArray(), TraceCodec.Decode(TraceCodec.Encode(steps)));
            Assert.NotEmpty(Explainer.Explain(steps, r, Set));
        }
    }
}
