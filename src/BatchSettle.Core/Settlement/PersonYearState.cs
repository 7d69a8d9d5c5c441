using System.Runtime.CompilerServices;

namespace BatchSettle.Core.Settlement;

/// <summary>
/// A person's year-to-date accumulators for one insurance year: <see cref="AccSlot.Count"/> longs, indexed by
/// <see cref="AccSlot"/>. Inline so a whole block of persons is one contiguous array with no per-person allocation.
/// </summary>
[InlineArray(AccSlot.Count)]
public struct PersonYearState
{
    private long _first;
}
