namespace BatchSettle.Core.Settlement;

/// <summary>
/// The settlement of one claim (CONTRACT.md Output 1), money in fen. Filled by the engine into a caller-owned slot.
/// Invariants on a settled row: FundPaySumamt = HifpPay + HifmiPay + HifobPay + MafPay;
/// PsnPartAmt = MedfeeSumamt − FundPaySumamt.
/// </summary>
public struct SettlementOut
{
    public SettlementStatus Status;
    /// <summary>Rule id or error code; null for a plain settlement.</summary>
    public string? Reason;
    public int Year;
    public long MedfeeSumamt;
    public long ActPayDedc;
    public long HifpPay;
    /// <summary>Pooled-fund ratio applied, basis points (top segment's when segmented).</summary>
    public int PoolPropBp;
    public long HifmiPay;
    public long HifobPay;
    public long MafPay;
    public long MafTiltedPay;
    public long FundPaySumamt;
    public long PsnPartAmt;
    /// <summary>Any parameter used has provenance assumed.</summary>
    public bool AssumedParams;
    /// <summary>(v2) Any parameter used has provenance "stated (superseded text)" (POLICY.md preamble).</summary>
    public bool SupersededTextParams;
    /// <summary>Early-warning threshold (fen) this claim crossed (§9), 0 when none; one alert per person, year, threshold.</summary>
    public long AlertThreshold;
    /// <summary>The year-to-date personal burden after this claim, when <see cref="AlertThreshold"/> is set.</summary>
    public long AlertBurden;
    /// <summary>First trace step of this claim in the <see cref="TraceBuffer"/>, and how many.</summary>
    public int TraceStart;
    public int TraceCount;
}
