using System.Runtime.CompilerServices;

namespace BatchSettle.Core.Settlement;

/// <summary>
/// Rule ids as small integers, so that a trace step holds no reference (<see cref="TraceStep"/>: the engine writes ~8
/// steps a claim into a heap array, and every reference stored there costs a GC write barrier). Process-wide and
/// append-only: the engine's own ids (<see cref="Rules"/>) have fixed numbers (<see cref="RuleRef"/>); any other text
/// (a policy parameter's rule id, a decoded old row) gets the next number the first time it is seen. The numbers are
/// never stored: a persisted trace carries the text (TraceCodec).
/// </summary>
internal static class RuleNames
{
    private static readonly Lock s_lock = new();
    private static readonly Dictionary<string, int> s_ids = new(StringComparer.Ordinal);

    // 0 is "no rule" (a default step).
    private static string?[] s_names = [null, Rules.El01, Rules.El02, Rules.El03, Rules.El04, Rules.El05, Rules.El06, Rules.El07, Rules.ExAbroad, Rules.ExWorkInjury, Rules.ExPublicHealth, Rules.ExThirdParty, Rules.ExMisconduct, Rules.ExAddiction, Rules.BxIp02, Rules.BxIp03, Rules.BxIp04, Rules.BxRm01, Rules.BxRm03, Rules.YkIp07, Rules.YkMa03a, Rules.BxMt01, Rules.BxMt03, Rules.YkIp02, Rules.YkIp03, Rules.YkIp05, Rules.NonDesignated, Rules.Chronic, Rules.Outpatient, Rules.Ci01, Rules.Ci06, Rules.La01, Rules.YkMa03, Rules.YkMa05, Rules.YkMa06, Rules.YkMa07, Rules.YkMa09, Rules.Split, Rules.Reversal];
    private static int s_count = InitialCount();

    private static int InitialCount()
    {
        for (int i = 1; i < s_names.Length; i++) s_ids.Add(s_names[i]!, i);
        return s_names.Length;
    }

    /// <summary>The id of <paramref name="rule"/> (0 for null), adding it when new. Thread-safe.</summary>
    public static int Intern(string? rule)
    {
        if (rule is null) return 0;
        lock (s_lock)
        {
            if (s_ids.TryGetValue(rule, out int id)) return id;
            if (s_count == s_names.Length)
            {
                var grown = new string?[s_names.Length * 2];
                Array.Copy(s_names, grown, s_count);
                grown[s_count] = rule;
                Volatile.Write(ref s_names, grown);
            }
            else
            {
                Volatile.Write(ref s_names[s_count], rule);
            }
            s_ids.Add(rule, s_count);
            return s_count++;
        }
    }

    /// <summary>The text of an id from <see cref="Intern"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? Name(int id) => Volatile.Read(ref s_names)[id];
}

/// <summary>The fixed <see cref="RuleNames"/> id of each <see cref="Rules"/> constant, under the same name.</summary>
internal static class RuleRef
{
    public const int El01 = 1;
    public const int El02 = 2;
    public const int El03 = 3;
    public const int El04 = 4;
    public const int El05 = 5;
    public const int El06 = 6;
    public const int El07 = 7;
    public const int ExAbroad = 8;
    public const int ExWorkInjury = 9;
    public const int ExPublicHealth = 10;
    public const int ExThirdParty = 11;
    public const int ExMisconduct = 12;
    public const int ExAddiction = 13;
    public const int BxIp02 = 14;
    public const int BxIp03 = 15;
    public const int BxIp04 = 16;
    public const int BxRm01 = 17;
    public const int BxRm03 = 18;
    public const int YkIp07 = 19;
    public const int YkMa03a = 20;
    public const int BxMt01 = 21;
    public const int BxMt03 = 22;
    public const int YkIp02 = 23;
    public const int YkIp03 = 24;
    public const int YkIp05 = 25;
    public const int NonDesignated = 26;
    public const int Chronic = 27;
    public const int Outpatient = 28;
    public const int Ci01 = 29;
    public const int Ci06 = 30;
    public const int La01 = 31;
    public const int YkMa03 = 32;
    public const int YkMa05 = 33;
    public const int YkMa06 = 34;
    public const int YkMa07 = 35;
    public const int YkMa09 = 36;
    public const int Split = 37;
    public const int Reversal = 38;

    /// <summary>The id of one of the eligibility rule ids the engine passes around as text (reasons): no lookup for those.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Of(string rule) =>
        ReferenceEquals(rule, Rules.El01) ? El01 : ReferenceEquals(rule, Rules.El02) ? El02
        : ReferenceEquals(rule, Rules.El03) ? El03 : ReferenceEquals(rule, Rules.El04) ? El04
        : ReferenceEquals(rule, Rules.El05) ? El05 : RuleNames.Intern(rule);
}
