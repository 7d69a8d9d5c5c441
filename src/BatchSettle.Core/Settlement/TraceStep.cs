namespace BatchSettle.Core.Settlement;

/// <summary>
/// One step of a settlement's explanation: which rule, which parameters (by policy parameter id), the base it worked on,
/// the amount it produced, and one accumulator before/after. A claim's steps are contiguous in a <see cref="TraceBuffer"/>.
/// </summary>
public struct TraceStep
{
    // The rule id's number in RuleNames: an integer, not a reference (see _whatCode).
    private int _rule;

    /// <summary>Rule id as in POLICY.md (e.g. "BX-IP-02"); null in a default step.</summary>
    public string Rule
    {
        readonly get => RuleNames.Name(_rule)!;
        set => _rule = RuleNames.Intern(value);
    }

    /// <summary>The rule by its <see cref="RuleNames"/> id (the engine's path: no lookup).</summary>
    internal int RuleId
    {
        readonly get => _rule;
        set => _rule = value;
    }

    // What the step computed: the code of a TraceWhat (every step the engine writes), or 0 with free text (a description
    // not in the catalogue, read from an old row). A code rather than a reference: the engine writes a step into a heap
    // array, where every reference store costs a GC write barrier, and a claim writes ~8 steps.
    private int _whatCode;
    private string? _whatText;

    /// <summary>
    /// The catalogued description (stored as its code), or null when the step carries free text. The engine sets this:
    /// one integer store, no lookup.
    /// </summary>
    public TraceWhat? WhatEntry
    {
        readonly get => _whatCode == 0 ? null : TraceWhat.FromCode(_whatCode);
        set
        {
            _whatCode = value?.Code ?? 0;
            _whatText = null;
        }
    }

    /// <summary>
    /// What the step computed (e.g. "annual pooled-fund cap"), as the explanation shows it. Setting a text that is in
    /// the <see cref="TraceWhat"/> catalogue stores its entry, so the same description read from an old row (full text)
    /// and from a new one (code) gives equal steps; any other text is kept as it is.
    /// </summary>
    public string What
    {
        readonly get => _whatCode != 0 ? TraceWhat.FromCode(_whatCode)?.Text ?? "" : _whatText ?? "";
        set
        {
            if (TraceWhat.Find(value) is { } e) WhatEntry = e;
            else
            {
                _whatCode = 0;
                _whatText = value;
            }
        }
    }

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
