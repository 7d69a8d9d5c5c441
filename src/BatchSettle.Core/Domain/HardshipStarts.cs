using System.Runtime.CompilerServices;

namespace BatchSettle.Core.Domain;

/// <summary>
/// Start date (认定之日) of each hardship identity a person holds, indexed by <see cref="HardshipCategory"/>, as
/// <see cref="DateOnly.DayNumber"/>; 0 means the person does not hold it. Inline, so a person costs no allocation.
/// </summary>
[InlineArray(Count)]
public struct HardshipStarts
{
    /// <summary>Number of categories.</summary>
    public const int Count = 10;

    /// <summary>The medical-assistance categories T..S (indices below this); P (v2) is not one of them.</summary>
    public const int AssistanceCount = 9;

    private int _first;

    /// <summary>True when the person holds <paramref name="c"/> on <paramref name="day"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Holds(HardshipCategory c, DateOnly day)
    {
        int s = this[(int)c];
        return s != 0 && s <= day.DayNumber;
    }

    /// <summary>True when the person holds any identity at all (whatever its start).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Any() =>
        // Unrolled: most persons hold none, and the engine asks on every claim.
        (this[0] | this[1] | this[2] | this[3] | this[4] | this[5] | this[6] | this[7] | this[8] | this[9]) != 0;
}
