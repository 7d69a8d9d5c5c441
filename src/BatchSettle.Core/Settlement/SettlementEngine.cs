using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;

namespace BatchSettle.Core.Settlement;

/// <summary>
/// Settles claims one person at a time, in order (POLICY.md §3). Pure: no I/O, no clock, no allocation per claim in
/// steady state. Thread-safe: one engine serves every partition; state lives in the caller's spans.
/// </summary>
public sealed partial class SettlementEngine
{
    public SettlementEngine(PolicySet policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        Policy = policy;
    }

    public PolicySet Policy { get; }

    /// <summary>
    /// Settles <paramref name="claim"/> against the person's registry row for the claim's year and that year's
    /// accumulators, which it advances. <paramref name="enrolled"/> is false when the person has no row for the claim's
    /// year (EL-01: rejected). Writes the outcome (settled / rejected / quarantined for a missing parameter) and its
    /// trace steps.
    /// </summary>
    public void Settle(in ClaimIn claim, bool enrolled, in PersonIn person, ref PersonYearState state,
        ref SettlementOut result, TraceBuffer trace)
    {
        throw new NotImplementedException("engine: being built (issue 3)");
    }

    /// <summary>
    /// Settles a reversal (冲销): the result is the exact negation of <paramref name="original"/>, and the
    /// accumulators are rolled back by the original's <paramref name="originalDelta"/> (after − before).
    /// </summary>
    public void Reverse(in ClaimIn reversal, in SettlementOut original, in PersonYearState originalDelta,
        ref PersonYearState state, ref SettlementOut result, TraceBuffer trace)
    {
        throw new NotImplementedException("engine: being built (issue 3)");
    }
}
