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
}
