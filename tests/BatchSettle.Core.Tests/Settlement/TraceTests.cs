using BatchSettle.Core.Domain;
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

    /// <summary>
    /// The Yingkou three-tier claim of ExplainerTests as the runner stored it before the description catalogue (full
    /// text in the what field), copied from a real encoding. Databases still hold rows like this.
    /// </summary>
    private const string OldFormYingkou =
        "EL-01|benefit start date on or before the service start||20240101|0|||;" +
        "YK-IP-01|deductible and ratio by facility level|50.51|70000|0|||;" +
        "YK-IP-01|segmented ratio: cost up to the segment point at the low ratio|50.53|430000|258000|||;" +
        "YK-IP-01|segmented ratio: cost above the segment point at the high ratio|50.53.51|9500000|6650000|||;" +
        "YK-IP-04|annual pooled-fund cap|54|6908000|6000000|0|0|6000000;" +
        "CI-01|大病 base: YTD policy-scope cost not paid by the pooled fund||4000000|4000000|7|0|4000000;" +
        "CI-03|大病 general deductible and ratio on the running total|126.127|4000000|1590000|||;" +
        "CI-04|大病 hardship tilt: deductible halved, tilted ratio|133.128.130|675000|2493750|||;" +
        "CI-06|大病 annual cap|139|2493750|2493750|8|0|2493750;" +
        "YK-MA-03|assistance base: YTD policy-scope burden after basic fund and second tier||1506250|1506250|11|0|1506250;" +
        "YK-MA-04|basic assistance: increment above the yearly deductible × ratio|154.155|1506250|1054375|||;" +
        "YK-MA-04|basic assistance yearly cap (all categories count)|156|1054375|1054375|12|0|1054375;" +
        "YK-MA-05|tilted assistance base: YTD burden after basic assistance|169.170|451875|106313|13|0|451875;" +
        "YK-MA-05|tilted assistance yearly cap|171|106313|106313|14|0|106313;" +
        "EW-01|early-warning burden (YTD personal share of monitored claims)|188|545562|545562|15|0|545562;" +
        "EW-01|early-warning threshold crossed: alert (once per person, year and threshold)|188|545562|500000|16|0|1;" +
        "SPLIT|final split: fund sum, personal = medfee − fund||10200000|545562|||";

    /// <summary>The same claim in the new form: descriptions as catalogue codes.</summary>
    private const string NewFormYingkou =
        "EL-01|1||20240101|0|||;YK-IP-01|9|50.51|70000|0|||;YK-IP-01|24|50.53|430000|258000|||;" +
        "YK-IP-01|25|50.53.51|9500000|6650000|||;YK-IP-04|4|54|6908000|6000000|0|0|6000000;" +
        "CI-01|6||4000000|4000000|7|0|4000000;CI-03|7|126.127|4000000|1590000|||;CI-04|40|133.128.130|675000|2493750|||;" +
        "CI-06|8|139|2493750|2493750|8|0|2493750;YK-MA-03|50||1506250|1506250|11|0|1506250;" +
        "YK-MA-04|52|154.155|1506250|1054375|||;YK-MA-04|53|156|1054375|1054375|12|0|1054375;" +
        "YK-MA-05|54|169.170|451875|106313|13|0|451875;YK-MA-05|55|171|106313|106313|14|0|106313;" +
        "EW-01|3|188|545562|545562|15|0|545562;EW-01|57|188|545562|500000|16|0|1;SPLIT|2||10200000|545562|||";

    /// <summary>
    /// The same claim settled today (rulebook v2): the steps are the same, but some parameters are newer rows that
    /// supersede the ones the stored rows cite — ip.ratio/level3a_general #51 → #261 (stated, was interpreted), the CI-04
    /// tilt as Yingkou's own rows (#303 category D, #322 halving, assumed; #310 ratio 75%). The stored rows above still
    /// explain with the parameters they were settled under.
    /// </summary>
    private static readonly string NewFormYingkouV2 = NewFormYingkou
        .Replace("|50.51|", "|50.261|", StringComparison.Ordinal)
        .Replace("|50.53.51|", "|50.53.261|", StringComparison.Ordinal)
        .Replace("|133.128.130|", "|303.322.310|", StringComparison.Ordinal);

    private static (SettlementOut Result, TraceStep[] Steps) SettleYingkou()
    {
        var trace = new TraceBuffer(64);
        PersonYearState s = default;
        var r = Settle(Claim(Region.Yingkou, lv: HospLevel.L3A, inscp: Y(100_000), ownpay: Y(2_000)),
            Person(Region.Yingkou, hardship: "D:2020-01-01"), ref s, trace);
        return (r, trace.Slice(r.TraceStart, r.TraceCount).ToArray());
    }

    [Fact]
    public void Encode_EngineSteps_WritesDescriptionCodes()
    {
        var (_, steps) = SettleYingkou();
        string line = TraceCodec.Encode(steps);
        Assert.Equal(NewFormYingkouV2, line);
        Assert.Equal(steps, TraceCodec.Decode(line));
    }

    [Fact]
    public void Decode_OldFormLine_GivesTheSameStepsAsTheNewForm()
    {
        var old = TraceCodec.Decode(OldFormYingkou);
        Assert.All(old, s => Assert.NotNull(s.WhatEntry));
        Assert.Equal("segmented ratio: cost up to the segment point at the low ratio", old[2].What);
        Assert.Equal(TraceCodec.Decode(NewFormYingkou), old);
        Assert.Equal(SettleYingkou().Steps, TraceCodec.Decode(NewFormYingkouV2));
        // Re-encoding an old row gives the new form.
        Assert.Equal(NewFormYingkou, TraceCodec.Encode(old));
    }

    [Fact]
    public void Explain_OldAndNewForm_Identical()
    {
        var (r, steps) = SettleYingkou();
        string fromOld = Explainer.Explain(OldFormYingkou, r, Set);
        Assert.Equal(fromOld, Explainer.Explain(NewFormYingkou, r, Set));
        // A stored row explains with the label it was settled under (#51 interpreted), today's with the superseding one.
        Assert.Contains("param #51 ip.ratio/level3a_general = 70.00% (interpreted;", fromOld);
        string fromNew = Explainer.Explain(TraceCodec.Encode(steps), r, Set);
        Assert.Contains("param #261 ip.ratio/level3a_general = 70.00% (stated; 营政发〔2019〕16号 第二十二条 [001:70]; YK-IP-01)", fromNew);
        Assert.Contains(" 3. [YK-IP-01] segmented ratio: cost up to the segment point at the low ratio\n", fromNew);
        Assert.Contains(" 1. [EL-01] benefit start date on or before the service start\n      benefit start 2024-01-01\n", fromNew);
        Assert.Contains("17. [SPLIT] final split: fund sum, personal = medfee − fund\n", fromNew);
    }

    [Fact]
    public void Encode_FreeText_StaysTextEvenWhenAllDigits()
    {
        TraceStep[] steps =
        [
            new() { Rule = "X", What = "42", Slot = -1 },
            new() { Rule = "X", What = "7", Param1 = 3, Base = 1, Amount = 2, Slot = 0, SlotBefore = 5, SlotAfter = 6 },
            new() { Rule = "X", What = "4a2", Slot = -1 },
            new() { Rule = "X", What = "", Slot = -1 },
            new() { Rule = "X", What = "12|;\\3", Slot = -1 },
            new() { Rule = "X", WhatEntry = TraceWhat.ReversalRollback, Slot = -1 },
        ];
        string line = TraceCodec.Encode(steps);
        Assert.Equal("X|\\42||0|0|||;X|\\7|3|1|2|0|5|6;X|4a2||0|0|||;X|||0|0|||;X|12\\|\\;\\\\3||0|0|||;X|59||0|0|||", line);
        var back = TraceCodec.Decode(line);
        Assert.Equal(steps, back);
        Assert.Null(back[0].WhatEntry);
        Assert.Equal("42", back[0].What);
        Assert.Same(TraceWhat.ReversalRollback, back[5].WhatEntry);
    }

    [Theory]
    [InlineData("X|999||0|0|||", "trace step 1: description code 999 ")]
    [InlineData("X|2||0|0|||;X|0||0|0|||", "trace step 2: description code 0 ")]
    [InlineData("X|1||0|0|||;X|2||0|0|||;X|99999999999999||0|0|||", "trace step 3: description code 99999999999999 ")]
    public void Decode_UnknownCode_FailsNamingTheStep(string line, string message)
    {
        var ex = Assert.Throws<FormatException>(() => TraceCodec.Decode(line));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains("TraceWhat", ex.Message, StringComparison.Ordinal);
    }
}
