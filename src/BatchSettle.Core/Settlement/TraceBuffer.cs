using System.Runtime.CompilerServices;
namespace BatchSettle.Core.Settlement;

/// <summary>
/// Caller-owned, reusable storage for trace steps of a block of claims. <see cref="Clear"/> between blocks; the
/// array grows (rarely) and is kept, so steady-state settlement allocates nothing.
/// </summary>
public sealed class TraceBuffer
{
    private TraceStep[] _steps;

    public TraceBuffer(int capacity = 4096) => _steps = new TraceStep[capacity];

    public int Count { get; private set; }

    public ReadOnlySpan<TraceStep> Steps => _steps.AsSpan(0, Count);

    public ReadOnlySpan<TraceStep> Slice(int start, int count) => _steps.AsSpan(start, count);

    public void Clear() => Count = 0;

    /// <summary>Drops the steps from <paramref name="count"/> on (a quarantined claim keeps no partial trace).</summary>
    public void Truncate(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count < Count) Count = count;
    }

    public ref TraceStep Add()
    {
        ref var s = ref AddUninitialised();
        s = default;
        s.Slot = -1;
        return ref s;
    }

    /// <summary>Appends a step holding whatever the slot held before: for a writer that sets every field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal ref TraceStep AddUninitialised()
    {
        if (Count == _steps.Length) Grow();
        return ref _steps[Count++];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _steps, _steps.Length * 2);
}
