namespace BatchSettle.Data.Runs;

/// <summary>A settlement_result row waiting in a chunk.</summary>
internal sealed class ResultRow
{
    public string SetlId = "";
    public string PsnNo = "";
    public string BatchId = "";
    public string Admdvs = "";
    public string Insutype = "";
    public string MedType = "";
    public string FixmedinsCode = "";
    public int? Year;
    public string Status = "";
    public string? Reason;
    public long? Medfee;
    public long? Fulamt;
    public long? Overlmt;
    public long? Preselfpay;
    public long? Inscp;
    public long ActPayDedc;
    public long HifpPay;
    public int PoolPropBp;
    public long HifmiPay;
    public long HifobPay;
    public long MafPay;
    public long MafTiltedPay;
    public long FundPaySumamt;
    public long PsnPartAmt;
    public bool AssumedParams;
    public string? ReversalOf;
    public long AlertThreshold;
    public long[]? AccDelta;
    public string? Trace;
}

/// <summary>A quarantine row waiting in a chunk.</summary>
internal sealed record QuarantineRow(string? SetlId, string BatchId, string? SourceFile, int? SourceLine, string Field, string Reason);

/// <summary>An alert waiting in a chunk.</summary>
internal sealed record AlertRow(string PsnNo, int Year, long Threshold, long Burden, string SetlId);
