using System.Diagnostics;
using BatchSettle.Data.Runs;

namespace BatchSettle.Data.Telemetry;

/// <summary>
/// Turns a committed chunk into metrics: claims per region and status, payments per fund, rows copied per table. Runs
/// once per chunk after its commit, and only when a listener is attached, so settling never pays for it.
/// </summary>
internal static class ChunkTelemetry
{
    public static void Committed(Activity? span, Chunk chunk, TimeSpan elapsed)
    {
        BatchSettleTelemetry.RecordChunk(span, elapsed, chunk.Claims);
        if (BatchSettleTelemetry.RowsCopied.Enabled)
        {
            BatchSettleTelemetry.RecordRowsCopied("settlement_result", chunk.Claims);
            BatchSettleTelemetry.RecordRowsCopied("quarantine", chunk.Quarantine.Count);
            BatchSettleTelemetry.RecordRowsCopied("ledger_line", chunk.LedgerLines);
            BatchSettleTelemetry.RecordRowsCopied("accumulator", chunk.AccumulatorCount);
            BatchSettleTelemetry.RecordRowsCopied("alert", chunk.Alerts.Count);
        }

        if (!BatchSettleTelemetry.ClaimsSettled.Enabled && !BatchSettleTelemetry.FundAmount.Enabled)
        {
            return;
        }

        // Two regions and five funds: a few slots, no dictionary.
        Span<long> funds = stackalloc long[FundTypes.Length];
        var regions = new List<(string Region, long Settled, long Rejected, long Quarantined)>(2);
        foreach (var r in chunk.Results)
        {
            var i = regions.FindIndex(x => x.Region == r.Admdvs);
            if (i < 0)
            {
                regions.Add((r.Admdvs, 0, 0, 0));
                i = regions.Count - 1;
            }

            var (region, settled, rejected, quarantined) = regions[i];
            regions[i] = r.Status switch
            {
                "settled" => (region, settled + 1, rejected, quarantined),
                "rejected" => (region, settled, rejected + 1, quarantined),
                _ => (region, settled, rejected, quarantined + 1),
            };
            if (r.Status == "settled")
            {
                funds[r.Insutype == "310" ? 0 : 1] += r.HifpPay;
                funds[2] += r.HifmiPay;
                funds[3] += r.HifobPay;
                funds[4] += r.MafPay;
            }
        }

        foreach (var (region, settled, rejected, quarantined) in regions)
        {
            BatchSettleTelemetry.RecordClaims(region.Length == 0 ? "unknown" : region, settled, rejected, quarantined);
        }

        for (var f = 0; f < FundTypes.Length; f++)
        {
            BatchSettleTelemetry.RecordFund(FundTypes[f], funds[f]);
        }
    }

    /// <summary>fund_pay_type of each fund slot: employee pooled, resident pooled, resident critical illness, employee large-amount, assistance.</summary>
    private static readonly string[] FundTypes = ["310100", "390100", "390200", "330100", "610100"];
}
