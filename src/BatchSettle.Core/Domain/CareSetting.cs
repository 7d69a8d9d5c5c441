namespace BatchSettle.Core.Domain;

/// <summary>Where the care happened relative to the insured region (setting).</summary>
public enum CareSetting : byte
{
    Local = 1,
    FiledRemote = 2,
    Referred = 3,
    Temporary = 4,
    EmergencyRemote = 5,
}
