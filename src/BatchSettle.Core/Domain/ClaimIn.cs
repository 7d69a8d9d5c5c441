namespace BatchSettle.Core.Domain;

/// <summary>
/// One claim (CONTRACT.md Input 2), typed and validated; money in fen. Settlement year = <see cref="EndDate"/>.Year.
/// </summary>
public struct ClaimIn
{
    public string BatchId;
    public string SetlId;
    public string PsnNo;
    public Region Region;
    public InsuType InsuType;
    public MedType MedType;
    public string FixmedinsCode;
    public HospLevel HospLevel;
    public FacKind FacKind;
    public bool Designated;
    public CareSetting Setting;
    public bool InProvince;
    /// <summary>In-region transfer: level of the facility the patient came from; null when none.</summary>
    public HospLevel? TransferFromLevel;
    public DateOnly BeginDate;
    public DateOnly EndDate;
    /// <summary>Inpatient bed-days; -1 when not given.</summary>
    public int BedDays;
    public string? DiseCodg;
    public SpecialDisease SpecialDisease;
    /// <summary>For <see cref="SpecialDisease.Chronic"/>: the disease code after "chronic:"; otherwise null.</summary>
    public string? ChronicCode;
    public ExclusionCause ExclusionCause;
    public bool Emergency;
    public bool Approved;
    public long MedfeeSumamt;
    public long FulamtOwnpayAmt;
    public long OverlmtSelfpay;
    public long PreselfpayAmt;
    public long InscpScpAmt;
    /// <summary>setl_id of the claim this one reverses (冲销); null for an ordinary claim.</summary>
    public string? ReversalOf;
    /// <summary>(v2) The facility holds the city's approval for the claim's special_dise (BX-IP-03); default false.</summary>
    public bool DiseQualified;
    /// <summary>(v2) A high-value drug claim: counts in the early-warning burden whatever its med_type (EW-01).</summary>
    public bool HighValueDrug;

    public readonly bool IsReversal => ReversalOf is not null;
    public readonly int Year => CivilDate.Year(EndDate);
}
