using System.Reflection;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

/// <summary>Trace steps hold rule ids as numbers (RuleNames); the text must come back exactly as the engine cited it.</summary>
public class RuleNamesTests
{
    /// <summary>Every fixed number names the <see cref="Rules"/> constant of the same name, and every constant has one.</summary>
    [Fact]
    public void RuleRef_EachConstant_NamesTheRuleOfTheSameName()
    {
        var texts = typeof(BatchSettle.Core.Settlement.Rules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);
        var refs = typeof(RuleRef).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
        Assert.Equal(texts.Keys.Order(), refs.Select(f => f.Name).Order());
        foreach (var f in refs) Assert.Equal(texts[f.Name], RuleNames.Name((int)f.GetRawConstantValue()!));
        Assert.Equal(refs.Count, refs.Select(f => (int)f.GetRawConstantValue()!).Distinct().Count());
    }

    [Fact]
    public void Intern_SameTextSameNumber_NewTextNewNumber_NullIsZero()
    {
        string text = "TEST-" + Guid.NewGuid().ToString("N");
        int id = RuleNames.Intern(text);
        Assert.Equal(id, RuleNames.Intern(new string(text.AsSpan())));
        Assert.Equal(text, RuleNames.Name(id));
        Assert.NotEqual(id, RuleNames.Intern(text + "x"));
        Assert.Equal(0, RuleNames.Intern(null));
        Assert.Null(RuleNames.Name(0));
        Assert.Null(default(TraceStep).Rule);
    }

    [Fact]
    public void Intern_ConcurrentNewTexts_EachGetsOneNumberAndKeepsIt()
    {
        var texts = Enumerable.Range(0, 2000).Select(i => $"CONC-{Guid.NewGuid():N}-{i}").ToArray();
        var ids = new int[texts.Length];
        Parallel.For(0, texts.Length * 2, i => ids[i % texts.Length] = RuleNames.Intern(texts[i % texts.Length]));
        for (int i = 0; i < texts.Length; i++) Assert.Equal(texts[i], RuleNames.Name(ids[i]));
        Assert.Equal(texts.Length, ids.Distinct().Count());
    }

    /// <summary>A <c>with</c> that changes the rule id changes the number steps cite; equal rows stay equal.</summary>
    [Fact]
    public void PolicyParam_With_KeepsRuleNumberInStep()
    {
        var p = new PolicyParam(1, "BX-IP-01", "k", "", null, null, 1, "fen", D("2020-01-01"), null, Provenance.Stated, "c", "");
        var q = p with { RuleId = "YK-IP-01" };
        Assert.Equal("YK-IP-01", RuleNames.Name(q.RuleRef));
        Assert.Equal("BX-IP-01", RuleNames.Name(p.RuleRef));
        Assert.Equal(p, q with { RuleId = "BX-IP-01" });
    }

    /// <summary>The steps of a settled claim cite the rules as text, as before the numbers: the policy's and the engine's.</summary>
    [Fact]
    public void Settle_StepsCiteRuleTexts()
    {
        var claim = Claim(Region.Benxi, InsuType.Employee, MedType.Inpatient);
        var person = Person(Region.Benxi, InsuType.Employee);
        var trace = new TraceBuffer();
        var state = default(PersonYearState);
        var res = default(SettlementOut);
        Engine.Settle(claim, true, person, ref state, ref res, trace);
        Assert.Equal(SettlementStatus.Settled, res.Status);
        var rules = trace.Steps.ToArray().Select(s => s.Rule).ToList();
        Assert.Contains(BatchSettle.Core.Settlement.Rules.El01, rules);
        Assert.Contains(BatchSettle.Core.Settlement.Rules.Split, rules);
        Assert.Contains(rules, r => r.StartsWith("BX-IP-", StringComparison.Ordinal));
        Assert.All(rules, r => Assert.False(string.IsNullOrEmpty(r)));
    }
}
