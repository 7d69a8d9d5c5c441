using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

/// <summary>
/// The explanation shows each step's base as what it is (issue 13 item 6): dates as dates with the service start
/// beside a benefit start, ages and bed days as counts, counters as counts, no "0.00 → 0.00" for a step without
/// amounts, a parameter's note under its citation, and no amounts at all for a quarantined claim.
/// </summary>
public class ExplainerUnitsTests
{
    private static readonly TraceStep[] Steps =
    [
        new() { Rule = "EL-01", WhatEntry = TraceWhat.BenefitStartCovered, Param1 = 1, Base = 20250101, Slot = -1 },
        new() { Rule = "EL-01", WhatEntry = TraceWhat.NotEnrolled, Slot = -1 },
        new() { Rule = "CHR-01", WhatEntry = TraceWhat.ChronicAgeLimit, Base = 17, Slot = -1 },
        new() { Rule = "YK-MA-08", WhatEntry = TraceWhat.AssistancePsychBedDay, Base = 12, Amount = 96_000, Slot = -1 },
        new() { Rule = "BX-IP-02", WhatEntry = TraceWhat.NthAdmission, Base = 80_000, Amount = 60_000, Slot = AccSlot.LocalAdmissions, SlotBefore = 1, SlotAfter = 2 },
        new() { Rule = "BX-IP-01", WhatEntry = TraceWhat.PoolCap, Base = 50_000, Amount = 50_000, Slot = AccSlot.PoolPaid, SlotBefore = 0, SlotAfter = 50_000 },
    ];

    [Fact]
    public void Explain_SettledClaim_ShowsEachBaseAsWhatItIs()
    {
        var r = new SettlementOut { Status = SettlementStatus.Settled, Year = 2025, MedfeeSumamt = 100_000 };

        string text = Explainer.Explain(Steps, r, Set, new DateOnly(2025, 3, 2));

        Assert.Contains("      benefit start 2025-01-01; service start (begndate) 2025-03-02\n", text, StringComparison.Ordinal);
        Assert.Contains("      age 17 years\n", text, StringComparison.Ordinal);
        Assert.Contains("      bed days 12 → amount 960.00\n", text, StringComparison.Ordinal);
        Assert.Contains("      accumulator local_admissions: 1 → 2\n", text, StringComparison.Ordinal);
        Assert.Contains("      accumulator pool_paid: 0.00 → 500.00\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("base 0.00 → amount 0.00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("200,250", text, StringComparison.Ordinal);
        // Parameter 1's note (params.csv) follows its citation.
        var p = Set.Find(1)!;
        Assert.Contains($"{p.Citation}; {p.RuleId})\n        note: {p.Note}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_QuarantinedClaim_ShowsNoAmounts()
    {
        var r = new SettlementOut { Status = SettlementStatus.Quarantined, Reason = "missing parameter", Year = 2025 };

        string text = Explainer.Explain(Steps, r, Set);

        Assert.DoesNotContain("0.00", text, StringComparison.Ordinal);
        Assert.DoesNotContain("medfee", text, StringComparison.Ordinal);
        Assert.DoesNotContain("accumulator", text, StringComparison.Ordinal);
        Assert.Contains("[BX-IP-01] annual pooled-fund cap", text, StringComparison.Ordinal);
        Assert.Contains("not settled (quarantined): no amounts", text, StringComparison.Ordinal);
    }
}
