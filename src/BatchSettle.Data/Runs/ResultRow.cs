using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>A settlement_result row waiting in a chunk: a struct in the chunk's block, its trace text a slice of the
/// chunk's char buffer, so a chunk of results is a few arrays however many claims it holds.</summary>
internal struct ResultRow
{
    /// <summary>The claim's staging claim_seq: the ledger entry_id of its posting.</summary>
    public long ClaimSeq;
    public string SetlId;
    public string PsnNo;
    /// <summary>The claim's batch (a run writes its own batch id; a simulation, spanning batches, this).</summary>
    public string BatchId;
    public string Admdvs;
    public string Insutype;
    public string MedType;
    public string FixmedinsCode;
    public int? Year;
    public string Status;
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
    public bool SupersededParams;
    public string? ReversalOf;
    public long AlertThreshold;
    /// <summary>False on a row quarantined before settlement (acc_delta null).</summary>
    public bool HasDelta;
    public PersonYearState AccDelta;
    /// <summary>Trace text in the chunk's buffer; length -1 = null.</summary>
    public int TraceStart;
    public int TraceLength;
    /// <summary>Settled by the engine (so a later reversal in the same pass may find it); false when quarantined by
    /// validation.</summary>
    public bool FromEngine;
    /// <summary>Gets a ledger entry (settled), as a reversal (红字冲销) or a settlement.</summary>
    public bool Post;
    public bool IsReversal;
}

/// <summary>A quarantine row waiting in a chunk.</summary>
internal sealed record QuarantineRow(string? SetlId, string BatchId, string? SourceFile, int? SourceLine, string Field, string Reason);

/// <summary>An alert waiting in a chunk.</summary>
internal sealed record AlertRow(string PsnNo, int Year, long Threshold, long Burden, string SetlId);

/// <summary>A person-year's accumulators to store.</summary>
internal struct AccumulatorRow
{
    public string PsnNo;
    public int Year;
    /// <summary>(v2) Key (psn_no, year, insutype): the per-insurance slots are this insutype's; the person-level slots
    /// (AccSlot.PersonLevel) are the same in every row of the person-year.</summary>
    public string Insutype;
    public PersonYearState Acc;
    /// <summary>Whether the partition's accumulator stream had this row: if not, the chunk COPYs it straight into
    /// <c>accumulator</c> (a row stored meanwhile by anyone else then fails the commit on the key instead of being
    /// overwritten); if so, it goes through the upsert.</summary>
    public bool Stored;
}
