using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

/// <summary>The description catalogue: its codes are persisted in every stored trace, so they are pinned here.</summary>
public class TraceWhatTests
{
    /// <summary>
    /// Code → text as stored traces read them. Append-only, like the catalogue: add a line for a new entry; never
    /// change a code. Editing a text here is only right for a rewording that keeps the meaning (TraceWhat's doc).
    /// </summary>
    private static readonly string[] s_pinned =
    [
        "1 benefit start date on or before the service start",
        "2 final split: fund sum, personal = medfee − fund",
        "3 early-warning burden (YTD personal share of monitored claims)",
        "4 annual pooled-fund cap",
        "5 pooled fund: (policy-scope cost − deductible) × ratio",
        "6 大病 base: YTD policy-scope cost not paid by the pooled fund",
        "7 大病 general deductible and ratio on the running total",
        "8 大病 annual cap",
        "9 deductible and ratio by facility level",
        "10 not enrolled in the claim's insutype for the claim's year",
        "11 registry row is not for the claim's year",
        "12 benefit start date after the service start: rejected",
        "13 excluded cause (§5): every fund 0, whole cost personal",
        "14 emergency admission to a non-designated facility: as designated of the same level",
        "15 non-designated facility: no basic fund",
        "16 remote deductible and ratio (referred / emergency)",
        "17 remote deductible and ratio (temporary)",
        "18 n-th in-city admission: deductible lowered",
        "19 in-region transfer: deductible is the difference of the levels' deductibles",
        "20 TB / hepatitis / psychiatric in a specialty hospital: no deductible",
        "21 delivery in a non-designated facility: policy-scope cost up to the limit",
        "22 emergency observation in the city",
        "23 emergency observation outside the city",
        "24 segmented ratio: cost up to the segment point at the low ratio",
        "25 segmented ratio: cost above the segment point at the high ratio",
        "26 yearly chronic-disease deductible shared by all diseases",
        "27 per-disease ratio",
        "28 per-disease monthly limit (month of the settlement date)",
        "29 outpatient pooling: designated facility in the city or the filed place only",
        "30 yearly outpatient deductible",
        "31 outpatient ratio by facility",
        "32 yearly outpatient cap (separate from the inpatient cap)",
        "33 两病 drugs: no deductible, ratio",
        "34 两病 hypertension cap (and combined cap)",
        "35 两病 diabetes / combined cap",
        "36 employee maternity outpatient ratio",
        "37 resident maternity outpatient: outpatient ratio, no deductible, no cap",
        "38 maternity outpatient: inpatient ratio of the level, no deductible",
        "39 maternity outpatient: segmented inpatient ratios, no deductible",
        "40 大病 hardship tilt: deductible halved, tilted ratio",
        "41 大病 child with a listed major disease",
        "42 大病 no annual cap (tilted category or assistance-subsidised enrolment)",
        "43 大病 cap incentives: continuous years and zero-claim years, at most 20% of the cap",
        "44 大病 payment used the incentive: zero-claim incentive reset",
        "45 大额 base: what the pooled fund would have paid above its cap",
        "46 大额 premium not paid for the service date: no 大额",
        "47 大额 payment within its annual cap",
        "48 category I is assisted once on application, not per claim",
        "49 care not properly referred: no assistance",
        "50 assistance base: YTD policy-scope burden after basic fund and second tier",
        "51 severe mental illness inpatient: fixed amount per bed-day",
        "52 basic assistance: increment above the yearly deductible × ratio",
        "53 basic assistance yearly cap (all categories count)",
        "54 tilted assistance base: YTD burden after basic assistance",
        "55 tilted assistance yearly cap",
        "56 tilted assistance only for proper care inside the province",
        "57 early-warning threshold crossed: alert (once per person, year and threshold)",
        "58 reversal: exact negation of the original settlement",
        "59 accumulator rolled back by the original's delta",
        "60 non-designated in-city delivery counts as an in-city admission (BX-IP-02), no deductible",
        "61 non-designated facility, not an emergency paid as designated: no assistance, no running total",
        "62 monthly limit of this disease (one limit per disease, never shared)",
        "63 emergency admission outside the city: referral standard, designated or not",
        "64 childhood autism only to the age limit: every fund 0, not recognised by the pooled fund",
        "65 university student admitted outside the city: paid at the local standard",
        "66 resident benefits end at the benefit start of the year's employee row: rejected",
        "67 employer arrears: employee benefits stopped from the month after arrears began: rejected",
        "68 employer arrears paid within the restore period (included): benefits restored back to arrears_from",
    ];

    [Fact]
    public void Catalogue_CodesAreThePinnedOnes()
    {
        Assert.Equal(s_pinned, TraceWhat.All.Select(e => $"{e.Code} {e.Text}"));
    }

    [Fact]
    public void Catalogue_EveryPublicEntryIsIndexedBothWays()
    {
        var fields = typeof(TraceWhat).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.FieldType == typeof(TraceWhat))
            .Select(f => (TraceWhat)f.GetValue(null)!)
            .ToList();
        Assert.Equal(TraceWhat.All.Count, fields.Count);
        foreach (var e in fields)
        {
            Assert.Same(e, TraceWhat.FromCode(e.Code));
            Assert.Same(e, TraceWhat.Find(e.Text));
        }
        Assert.Null(TraceWhat.FromCode(0));
        Assert.Null(TraceWhat.FromCode(-1));
        Assert.Null(TraceWhat.FromCode(TraceWhat.All.Count + 1));
        Assert.Null(TraceWhat.Find("no such description"));
        Assert.Null(TraceWhat.Find(null));
    }

    [Fact]
    public void What_SetToCataloguedText_StoresTheEntry()
    {
        var s = new TraceStep { What = TraceWhat.PooledFund.Text };
        Assert.Same(TraceWhat.PooledFund, s.WhatEntry);
        s.What = "something else";
        Assert.Null(s.WhatEntry);
        Assert.Equal("something else", s.What);
        Assert.Equal("", default(TraceStep).What);
    }

    /// <summary>
    /// Every description the engine emits is catalogued (so it is stored as a code): the generated claims of the
    /// property tests, plus the paths they do not reach (not enrolled, wrong registry year, waiting period, reversal).
    /// A step whose description was set as free text fails here.
    /// </summary>
    [Fact]
    public void Engine_EveryEmittedDescriptionIsCatalogued()
    {
        var trace = new TraceBuffer(1 << 12);
        var seen = new HashSet<TraceWhat>();
        void Check(ReadOnlySpan<TraceStep> steps)
        {
            foreach (ref readonly var st in steps)
            {
                Assert.True(st.WhatEntry is not null, $"[{st.Rule}] '{st.What}' is not in TraceWhat");
                seen.Add(st.WhatEntry!);
            }
        }
        for (int seed = 0; seed < 1000; seed++)
        {
            var (p, claims) = ClaimGenerator.Generate(seed);
            PersonYearState s = default;
            trace.Clear();
            foreach (var c in claims)
            {
                SettlementOut r = default;
                Engine.Settle(c, true, p, ref s, ref r, trace);
            }
            Check(trace.Steps);
        }

        trace.Clear();
        PersonYearState st0 = default;
        SettlementOut o = default;
        Engine.Settle(Claim(), false, Person(), ref st0, ref o, trace);
        Engine.Settle(Claim(end: "2023-06-10"), true, Person(year: 2024), ref st0, ref o, trace);
        Engine.Settle(Claim(), true, Person(kind: EnrolKind.MidYear, paid: "2024-05-01"), ref st0, ref o, trace);
        var claim = Claim(inscp: Y(100_000));
        var person = Person(hardship: "D:2020-01-01");
        PersonYearState before = default, after = default, delta = default;
        Engine.Settle(claim, true, person, ref after, ref o, trace);
        SettlementEngine.ComputeDelta(before, after, ref delta);
        var rev = claim;
        rev.ReversalOf = claim.SetlId;
        rev.SetlId = "R1";
        rev.MedfeeSumamt = -claim.MedfeeSumamt;
        SettlementOut ro = default;
        Engine.Reverse(rev, o, delta, ref after, ref ro, trace);
        Check(trace.Steps);

        foreach (var e in new[] { TraceWhat.NotEnrolled, TraceWhat.RegistryYear, TraceWhat.BenefitStartRejected, TraceWhat.Reversal,
                     TraceWhat.ReversalRollback, TraceWhat.PooledFund, TraceWhat.CriticalCap })
            Assert.Contains(e, seen);
    }
}
