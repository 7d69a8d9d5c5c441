using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class TraceTests
{
    [Fact]
    public void Encode_Decode_RoundTrips()
    {
        var trace = new TraceBuffer(16);
        PersonYearState s = default;
        var r = Settle(Claim(inscp: Y(10_000)), Person(), ref s, trace);
        var steps = trace.Slice(r.TraceStart, r.TraceCount);
        Assert.True(steps.Length >= 4);
        string line = TraceCodec.Encode(steps);
        Assert.DoesNotContain('\n', line);
        var back = TraceCodec.Decode(line);
        Assert.Equal(steps.ToArray(), back);
    }

    [Fact]
    public void Encode_Decode_EscapesSeparators()
    {
        TraceStep[] steps = [new() { Rule = "X|;\\", What = "a;b|c", Param1 = 1, Param3 = 3, Base = -5, Amount = 7, Slot = -1 }];
        Assert.Equal(steps, TraceCodec.Decode(TraceCodec.Encode(steps)));
    }

    [Fact]
    public void Explain_BenxiInpatient_ShowsParametersAndSplit()
    {
        var trace = new TraceBuffer(16);
        PersonYearState s = default;
        var r = Settle(Claim(inscp: Y(10_000)), Person(), ref s, trace);
        string text = Explainer.Explain(TraceCodec.Encode(trace.Slice(r.TraceStart, r.TraceCount)), r, Set);
        Assert.Contains("BX-IP-01", text);
        Assert.Contains("ip.dedc/tertiary = 800.00 yuan", text);
        Assert.Contains("65.00%", text);
        Assert.Contains("本医保发〔2022〕26号", text);
        Assert.Contains("pool_paid: 0.00 → 5980.00", text);
        Assert.Contains("hifp_pay (pooled fund) 5980.00", text);
    }
}
