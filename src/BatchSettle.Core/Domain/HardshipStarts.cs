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
    public readonly bool Holds(HardshipCategory c, DateOnly day)
    {
        int s = this[(int)c];
        return s != 0 && s <= day.DayNumber;
    }

    /// <summary>True when the person holds any identity at all (whatever its start).</summary>
    public readonly bool Any()
    {
        for (int i = 0; i < Count; i++)
        {
            if (this[i] != 0) return true;
        }
        return false;
    }
}
