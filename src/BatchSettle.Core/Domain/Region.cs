namespace BatchSettle.Core.Domain;

/// <summary>Insured region (admdvs). Codes: Benxi 210500, Yingkou 210800.</summary>
public enum Region : byte
{
    Benxi = 1,
    Yingkou = 2,
}
