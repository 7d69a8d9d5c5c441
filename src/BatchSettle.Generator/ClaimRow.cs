using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

/// <summary>One synthetic claim before it is written; reversals and resubmissions are copies of it.</summary>
internal struct ClaimRow
{
    public long Seq;
    public int PersonIndex;
    public Region Region;
    public bool Employee;
    public string MedType;
    public string FacilityArea;
    public int FacilityCombo;
    public int FacilityNo;
    public bool Designated;
    public string Setting;
    public bool InProvince;
    public string? TransferFromLv;
    public DateOnly Begin;
    public DateOnly End;
    /// <summary>-1 = empty cell.</summary>
    public int BedDays;
    public string? Diagnosis;
    public string? SpecialDisease;
    public string? Exclusion;
    public bool? Emergency;
    public bool? Approved;
    public long MedFee;
    public long FullOwnPay;
    public long OverLimit;
    public long PreSelfPay;
    public long InScope;
    /// <summary>Seq of the claim this one reverses, or -1.</summary>
    public long ReversalOf;
}
