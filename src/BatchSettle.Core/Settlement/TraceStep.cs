namespace BatchSettle.Core.Settlement;

/// <summary>
/// One step of a settlement's explanation: which rule, which parameters (by policy parameter id), the base it worked on,
/// the amount it produced, and one accumulator before/after. A claim's steps are contiguous in a <see cref="TraceBuffer"/>.
/// </summary>
public struct TraceStep
{
    /// <summary>Rule id as in POLICY.md (e.g. "BX-IP-02"); a constant string, never allocated per claim.</summary>
    public string Rule;
    /// <summary>What the step computed (e.g. "deductible", "pooled fund", "cap"); a constant string.</summary>
    public string What;
    /// <summary>Policy parameter ids used (0 = none).</summary>
    public int Param1;
    public int Param2;
    public int Param3;
    /// <summary>The amount the step worked on, fen.</summary>
    public long Base;
    /// <summary>The amount the step produced, fen.</summary>
    public long Amount;
    /// <summary>Accumulator slot touched (-1 = none) and its values.</summary>
    public int Slot;
    public long SlotBefore;
    public long SlotAfter;
}
