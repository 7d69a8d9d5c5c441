namespace BatchSettle.Core.Domain;

/// <summary>
/// One insured person's registry row for one insurance year (CONTRACT.md Input 1), typed and validated.
/// </summary>
public struct PersonIn
{
    public string PsnNo;
    public Region Region;
    public InsuType InsuType;
    public DateOnly Birth;
    public int Year;
    public EnrolKind EnrolKind;
    public DateOnly PaidDate;
    /// <summary>job_loss: last day of the former cover; null when not given.</summary>
    public DateOnly? PrevCoverEnd;
    public int BrokenYears;
    public int RepairedYears;
    public int ContinuousYears;
    public int ZeroClaimYears;
    /// <summary>Employees: date the year's 大额 premium was paid; null = not paid.</summary>
    public DateOnly? LargeAmountPaidDate;
    public HardshipStarts Hardship;
    public bool AssistanceSubsidised;
    /// <summary>(v2) Full-time university / college / technical-school student (BX-RM-03, YK-IP-07); default false.</summary>
    public bool University;
    /// <summary>
    /// (v2) Employees insured only in basic employee insurance, not for maternity (CONTRACT maternity_insured = false,
    /// BX-MT-02). Stored inverted so that the default (false) is the contract's default (maternity_insured = true).
    /// </summary>
    public bool NotMaternityInsured;
    /// <summary>(v2) Employees: the day the employer's contribution arrears began (EL-01); null when none.</summary>
    public DateOnly? ArrearsFrom;
    /// <summary>(v2) Employees: the day those arrears were paid in full (EL-01); null = not paid.</summary>
    public DateOnly? ArrearsPaid;
    /// <summary>
    /// (v2) On a resident (390) row: the benefit start of the person's employee (310) row of the same year, when there is
    /// one (EL-01 two rows in one year: resident benefits end that day); null otherwise.
    /// </summary>
    public DateOnly? EmployeeRowStart;
}
