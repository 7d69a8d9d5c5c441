using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using FsCheck.Xunit;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class PropertyTests
{
    private static (SettlementOut[] Results, PersonYearState[] States) Run(PersonIn p, ClaimIn[] claims)
    {
        var results = new SettlementOut[claims.Length];
        var states = new PersonYearState[claims.Length + 1];
        var trace = new TraceBuffer(64);
        PersonYearState s = default;
        for (int i = 0; i < claims.Length; i++)
        {
            states[i] = s;
            Engine.Settle(claims[i], true, p, ref s, ref results[i], trace);
        }
        states[claims.Length] = s;
        return (results, states);
    }

    [Property(MaxTest = 300)]
    public void Settle_GeneratedClaims_SharesAddUpAndNothingNegative(int seed)
    {
        var (p, claims) = ClaimGenerator.Generate(seed);
        var (results, _) = Run(p, claims);
        for (int i = 0; i < results.Length; i++)
        {
            var r = results[i];
            Assert.NotEqual(SettlementStatus.Quarantined, r.Status); // generated input is valid and fully parameterised
            Assert.Equal(r.HifpPay + r.HifmiPay + r.HifobPay + r.MafPay, r.FundPaySumamt);
            Assert.Equal(claims[i].MedfeeSumamt - r.FundPaySumamt, r.PsnPartAmt);
            Assert.True(r.HifpPay >= 0 && r.HifmiPay >= 0 && r.HifobPay >= 0 && r.MafPay >= 0 && r.MafTiltedPay >= 0);
            Assert.True(r.MafTiltedPay <= r.MafPay);
            Assert.True(r.PsnPartAmt >= 0);
            Assert.True(r.ActPayDedc >= 0 && r.ActPayDedc <= claims[i].InscpScpAmt);
            Assert.True(r.FundPaySumamt <= claims[i].InscpScpAmt, "funds pay only policy-scope cost");
        }
    }

    [Property(MaxTest = 300)]
    public void Settle_GeneratedClaims_AccumulatorsNeverDecreaseAndCapsHold(int seed)
    {
        var (p, claims) = ClaimGenerator.Generate(seed);
        var (_, states) = Run(p, claims);
        for (int i = 1; i < states.Length; i++)
        {
            for (int k = 0; k < AccSlot.Count; k++) Assert.True(states[i][k] >= states[i - 1][k], $"slot {AccSlot.Names[k]} decreased");
        }
        var last = states[^1];
        var day = claims[^1].EndDate;
        long Cap(string key, string q = "") => Set.Resolve(key, q, p.Region, p.InsuType, day)?.Value ?? long.MaxValue;
        Assert.True(last[AccSlot.PoolPaid] <= Cap("pool.cap"));
        Assert.True(last[AccSlot.OutpatientPaid] <= Cap("op.cap"));
        Assert.True(last[AccSlot.TwoDiseaseHypertensionPaid] <= Cap("tb.cap", "hypertension"));
        Assert.True(last[AccSlot.TwoDiseaseHypertensionPaid] + last[AccSlot.TwoDiseaseDiabetesPaid] <= Cap("tb.cap", "diabetes"));
        Assert.True(last[AccSlot.LargeAmountPaid] <= Cap("la.cap"));
        Assert.True(last[AccSlot.AssistBasicPaid] <= Y(20_000));
        Assert.True(last[AccSlot.AssistTiltPaid] <= Y(20_000));
        bool uncapped = p.InsuType == InsuType.Employee || (day.Year >= 2025 && (p.AssistanceSubsidised || p.Hardship.Any()));
        if (!uncapped) Assert.True(last[AccSlot.CriticalPaid] <= Cap("ci.cap") + Y(80_000));
        // The largest monthly limit of the sample list is 500 (cancer drugs); the 定额 and unlimited diseases are not capped.
        if (p.InsuType == InsuType.Employee) Assert.Equal(0, last[AccSlot.CriticalPaid]);
        else Assert.Equal(0, last[AccSlot.LargeAmountPaid]);
    }

    [Property(MaxTest = 200)]
    public void Settle_SameClaimsTwice_IdenticalResults(int seed)
    {
        var (p, claims) = ClaimGenerator.Generate(seed);
        var (r1, s1) = Run(p, claims);
        var (r2, s2) = Run(p, claims);
        Assert.Equal(r1, r2);
        for (int i = 0; i < s1.Length; i++)
        {
            for (int k = 0; k < AccSlot.Count; k++) Assert.Equal(s1[i][k], s2[i][k]);
        }
    }

    [Property(MaxTest = 200)]
    public void Reverse_AllClaimsInReverseOrder_RestoresAccumulators(int seed)
    {
        var (p, claims) = ClaimGenerator.Generate(seed);
        var (results, states) = Run(p, claims);
        var s = states[^1];
        var trace = new TraceBuffer(64);
        for (int i = claims.Length - 1; i >= 0; i--)
        {
            PersonYearState delta = default;
            SettlementEngine.ComputeDelta(states[i], states[i + 1], ref delta);
            var rev = claims[i];
            rev.ReversalOf = rev.SetlId;
            rev.MedfeeSumamt = -rev.MedfeeSumamt;
            SettlementOut rr = default;
            Engine.Reverse(rev, results[i], delta, ref s, ref rr, trace);
            if (results[i].Status != SettlementStatus.Settled) continue;
            Assert.Equal(-results[i].FundPaySumamt, rr.FundPaySumamt);
            Assert.Equal(-results[i].PsnPartAmt, rr.PsnPartAmt);
            for (int k = 0; k < AccSlot.Count; k++)
            {
                if (!AccSlot.Sticky(k)) Assert.Equal(states[i][k], s[k]);
            }
        }
    }
}
