namespace BatchSettle.Core.Domain;

/// <summary>excl_cause of a claim (POLICY.md §5).</summary>
public enum ExclusionCause : byte
{
    None = 0,
    Abroad = 1,
    WorkInjury = 2,
    PublicHealth = 3,
    ThirdParty = 4,
    Misconduct = 5,
    Addiction = 6,
}
