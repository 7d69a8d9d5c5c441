using BatchSettle.Core.Domain;
using BatchSettle.Core.Settlement;
using static BatchSettle.Core.Tests.TestPolicy;

namespace BatchSettle.Core.Tests.Settlement;

public class AllocationTests
{
    [Fact]
    public void Settle_SteadyState_AllocatesNothing()
    {
        var sets = new (PersonIn P, ClaimIn[] C)[50];
        for (int i = 0; i < sets.Length; i++) sets[i] = ClaimGenerator.Generate(1000 + i);
        var trace = new TraceBuffer(1 << 16);
        void RunAll()
        {
            trace.Clear();
            foreach (var (p, cs) in sets)
            {
                PersonYearState s = default;
                SettlementOut r = default;
                for (int i = 0; i < cs.Length; i++)
                {
                    if (trace.Count > (1 << 15)) trace.Clear();
                    Engine.Settle(cs[i], true, p, ref s, ref r, trace);
                }
            }
        }
        RunAll(); // warm-up: JIT, index, trace buffer
        long before = GC.GetAllocatedBytesForCurrentThread();
        RunAll();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
