using BatchSettle.Core.Settlement;
using BatchSettle.Data.Runs;

namespace BatchSettle.Data.Tests.Runs;

/// <summary>The runner's allocation-free trace writer must store exactly what TraceCodec writes (and reads back).</summary>
public sealed class TraceTextTests
{
    [Fact]
    public void Encode_SameTextAsTraceCodec()
    {
        var steps = new List<TraceStep>();
        long n = 1;
        foreach (var e in TraceWhat.All)
        {
            n = (n * 7919) % 1_000_003;
            steps.Add(new TraceStep
            {
                Rule = "R-" + e.Code,
                WhatEntry = e,
                Param1 = e.Code % 3 == 0 ? 0 : e.Code,
                Param2 = e.Code % 2 == 0 ? e.Code + 1 : 0,
                Param3 = e.Code % 5 == 0 ? 7 : 0,
                Base = e.Code % 4 == 0 ? -n : n * 1000,
                Amount = e.Code % 6 == 0 ? long.MinValue : n,
                Slot = e.Code % 2 == 0 ? e.Code % 20 : -1,
                SlotBefore = e.Code % 2 == 0 ? n : 0,
                SlotAfter = e.Code % 2 == 0 ? long.MaxValue : 0,
            });
        }
        // Free text: plain, with separators to escape, all digits (escaped so it stays text), empty.
        foreach (var what in new[] { "a description not in the catalogue", "a;b|c\\d", "42", "0", "", TraceWhat.PoolCap.Text })
            steps.Add(new TraceStep { Rule = "X|;", What = what, Slot = -1 });

        TraceStep[] all = [.. steps];
        string expected = TraceCodec.Encode(all);
        var buffer = new char[8]; // grows
        const int Offset = 3;
        int written = TraceText.Encode(all, ref buffer, Offset);
        Assert.Equal(expected, new string(buffer, Offset, written));
        Assert.Equal(all, TraceCodec.Decode(expected));

        // One step at a time, as the runner appends claim after claim into one buffer.
        foreach (var s in all)
        {
            int w = TraceText.Encode([s], ref buffer, 0);
            Assert.Equal(TraceCodec.Encode([s]), new string(buffer, 0, w));
        }
    }
}
