using System.Globalization;
using System.Text;
using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>
/// Stand-in encoding of a claim's trace steps for settlement_result.trace until Core's TraceCodec is merged:
/// one step per line, tab-separated: rule, what, param1, param2, param3, base, amount, slot, before, after.
/// </summary>
internal static class TraceText
{
    public static string Encode(ReadOnlySpan<TraceStep> steps)
    {
        var sb = new StringBuilder();
        var ic = CultureInfo.InvariantCulture;
        foreach (ref readonly var s in steps)
        {
            sb.Append(ic, $"{s.Rule}\t{s.What}\t{s.Param1}\t{s.Param2}\t{s.Param3}\t{s.Base}\t{s.Amount}\t{s.Slot}\t{s.SlotBefore}\t{s.SlotAfter}\n");
        }
        return sb.ToString();
    }
}
