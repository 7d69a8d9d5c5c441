namespace BatchSettle.Core.Domain;

/// <summary>Facility level (hosp_lv): 1, 2, 3, 3A.</summary>
public enum HospLevel : byte
{
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L3A = 4,
}
