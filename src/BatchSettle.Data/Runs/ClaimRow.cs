using BatchSettle.Core.Settlement;

namespace BatchSettle.Data.Runs;

/// <summary>One claim as streamed for settlement: the staging row, the person's row for its year, the stored
/// accumulators, and (for a reversal) the original's stored result. A struct: the reader fills blocks of them in place
/// (<see cref="ClaimBlock"/>), so streaming allocates no object per claim.</summary>
internal struct ClaimRow
{
    public long ClaimSeq;
    public string BatchId;
    public string SetlId;
    public string PsnNo;
    public string Admdvs;
    public string Insutype;
    public string MedType;
    public string FixmedinsCode;
    public string HospLv;
    public string FacKind;
    public bool Designated;
    public string Setting;
    public bool InProvince;
    public string? TransferFromLv;
    public DateOnly BeginDate;
    public DateOnly EndDate;
    public int? BedDays;
    public string? DiseCodg;
    public string? SpecialDise;
    public string? ExclCause;
    public bool? Emergency;
    public bool? Approved;
    public decimal Medfee;
    public decimal Fulamt;
    public decimal Overlmt;
    public decimal Preselfpay;
    public decimal Inscp;
    public string? ReversalOf;
    public string SourceFile;
    public int SourceLine;

    // The person's staging row for the claim's year (null Admdvs when none) and whether any row exists.
    public bool PersonKnown;
    public string? PAdmdvs;
    public string? PInsutype;
    public DateOnly PBirth;
    public int PYear;
    public string? PEnrolKind;
    public DateOnly PPaidDate;
    public DateOnly? PPrevCoverEnd;
    public int? PBrokenYears;
    public int? PRepairedYears;
    public int? PContinuousYears;
    public int? PZeroClaimYears;
    public DateOnly? PLargeAmountPaidDate;
    public string? PHardship;
    public bool? PAssistanceSubsidised;
    public bool PUniversity;
    public bool PMaternityInsured;
    public DateOnly? PArrearsFrom;
    public DateOnly? PArrearsPaid;
    /// <summary>(v2) The person's employee (310) row of the claim's year when the picked row is another: (centralised, paid_date).</summary>
    public (bool Centralised, DateOnly PaidDate)? PEmployeeRow;
    public bool DiseQualified;
    public bool HighValueDrug;

    // Stored accumulators of (psn_no, AccYear, Insutype): the original's year for a reversal, else enddate's year.
    public int AccYear;
    public bool HasAcc;
    public PersonYearState Acc;
    // (v2) EL-01 two rows in one year: the stored accumulators of the person's other insutype of AccYear, when there is
    // such a row (its person-level slots are shared, AccSlot.PersonLevel). AccOther is meaningful only when HasAccOther.
    public bool HasAccOther;
    public string? AccOtherInsutype;
    public PersonYearState AccOther;

    // The reversed original's stored result (when it exists in settlement_result).
    public OriginalResult? Original;
    public bool OriginalAlreadyReversed;
}

/// <summary>The stored result a reversal negates.</summary>
internal sealed class OriginalResult
{
    public string SetlId = "";
    public string PsnNo = "";
    public string Status = "";
    public string? Reason;
    public int Year;
    public long Medfee;
    public long Fulamt;
    public long Overlmt;
    public long Preselfpay;
    public long Inscp;
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
    public long[]? AccDelta;
    /// <summary>(v2) The original's insutype: its running totals are that insutype's row (null when not known).</summary>
    public string? Insutype;
}

/// <summary>A block of streamed claims, reused: the reader fills it, the settler empties it.</summary>
internal sealed class ClaimBlock(int capacity)
{
    public readonly ClaimRow[] Rows = new ClaimRow[capacity];
    public int Count;
}
