namespace BatchSettle.Core.Domain;

/// <summary>医疗救助 hardship identity (POLICY.md §1, YK-MA-01). The value is the index into <see cref="HardshipStarts"/>.</summary>
public enum HardshipCategory : byte
{
    /// <summary>特困 extreme poverty.</summary>
    T = 0,
    /// <summary>孤儿 orphan.</summary>
    O = 1,
    /// <summary>低保 minimum living allowance.</summary>
    D = 2,
    /// <summary>低保边缘 marginal low-income.</summary>
    E = 3,
    /// <summary>返贫致贫 returned to poverty.</summary>
    F = 4,
    /// <summary>监测帮扶对象 monitored and assisted.</summary>
    M = 5,
    /// <summary>其他监测范围内人口 other monitored.</summary>
    N = 6,
    /// <summary>因病致贫 impoverished by illness.</summary>
    I = 7,
    /// <summary>其他特殊困难 other special hardship.</summary>
    S = 8,
    /// <summary>
    /// (v2) 脱贫人口 not under dynamic monitoring: not a medical-assistance category; only places the person in the
    /// early-warning 5,000 group (POLICY.md §1, EW-01). No assistance, no 大病 tilt, no premium subsidy.
    /// </summary>
    P = 9,
}
