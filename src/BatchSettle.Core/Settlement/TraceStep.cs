namespace BatchSettle.Core.Settlement;

/// <summary>
/// One step of a settlement's explanation: which rule, which parameters (by policy parameter id), the base it worked on,
/// the amount it produced, and one accumulator before/after. A claim's steps are contiguous in a <see cref="TraceBuffer"/>.
/// </summary>
public struct TraceStep
{
    /// <summary>Rule id as in POLICY.md (e.g. "BX-IP-02"); a constant string, never allocated per claim.</summary>
    public string Rule;

    // What the step computed: a TraceWhat (a catalogued description; every step the engine writes) or a string (free
    // text: a description not in the catalogue). One field for both, so a step is no larger than when it held the text.
    private object? _what;

    /// <summary>
    /// The catalogued description (stored as its code), or null when the step carries free text. The engine sets this:
    /// one reference store, no lookup.
    /// </summary>
    public TraceWhat? WhatEntry
    {
        readonly get => _what as TraceWhat;
        set => _what = value;
    }

    /// <summary>
    /// What the step computed (e.g. "annual pooled-fund cap"), as the explanation shows it. Setting a text that is in
    /// the <see cref="TraceWhat"/> catalogue stores its entry, so the same description read from an old row (full text)
    /// and from a new one (code) gives equal steps; any other text is kept as it is.
    /// </summary>
    public string What
    {
        readonly get => _what switch
        {
            TraceWhat w => w.Text,
            string s => s,
            _ => "",
        };
        set => _what = TraceWhat.Find(value) ?? (object?)value;
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
