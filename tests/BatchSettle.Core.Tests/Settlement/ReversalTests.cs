using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class ReversalTests
{
    [Fact]
    public void Reverse_SettledClaim_NegatesAndRollsBack()
    {
        var p = Person(hardship: "D:2020-01-01");
        PersonYearState s = default;
        var c = Claim(inscp: Y(100_000));
        var before = s;
        var r = Settle(c, p, ref s);
        PersonYearState delta = default;
        for (int k = 0; k < AccSlot.Count; k++) delta[k] = s[k] - before[k];
        var rev = c;
        rev.ReversalOf = c.SetlId;
        rev.SetlId = "R1";
        rev.MedfeeSumamt = -c.MedfeeSumamt;
        SettlementOut rr = default;
        var trace = new TraceBuffer(8);
        Engine.Reverse(rev, r, delta, ref s, ref rr, trace);
        Assert.Equal(SettlementStatus.Settled, rr.Status);
        Assert.Equal("REVERSAL", rr.Reason);
        Assert.Equal(-r.HifpPay, rr.HifpPay);
        Assert.Equal(-r.HifmiPay, rr.HifmiPay);
        Assert.Equal(-r.MafPay, rr.MafPay);
        Assert.Equal(-r.MedfeeSumamt, rr.MedfeeSumamt);
        Assert.Equal(rr.MedfeeSumamt - rr.FundPaySumamt, rr.PsnPartAmt);
        for (int k = 0; k < AccSlot.Count; k++) Assert.Equal(before[k], s[k]);
        Assert.True(rr.TraceCount > 1);
    }

    [Fact]
    public void Reverse_AmountsNotNegated_Quarantined()
    {
        PersonYearState s = default;
        var c = Claim();
        var r = Settle(c, Person(), ref s);
        var rev = c;
        rev.ReversalOf = c.SetlId;
        SettlementOut rr = default;
        Engine.Reverse(rev, r, default, ref s, ref rr, new TraceBuffer(4));
        Assert.Equal(SettlementStatus.Quarantined, rr.Status);
    }

    [Fact]
    public void Settle_ReversalClaim_Quarantined()
    {
        var c = Claim();
        c.ReversalOf = "X";
        Assert.Equal(SettlementStatus.Quarantined, Settle(c, Person()).Status);
    }
}
