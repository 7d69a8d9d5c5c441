namespace BatchSettle.Core.Domain;

/// <summary>special_dise of a claim; <see cref="Chronic"/> carries its disease code in <see cref="ClaimIn.ChronicCode"/>.</summary>
public enum SpecialDisease : byte
{
    None = 0,
    Tuberculosis = 1,
    Hepatitis = 2,
    Psychiatric = 3,
    Hypertension = 4,
    Diabetes = 5,
    ChildMajor = 6,
    Chronic = 7,
    /// <summary>(v2) Another infectious disease, 传染性疾病 (YK-IP-03).</summary>
    Infectious = 8,
}
