namespace BatchSettle.Core.Domain;

/// <summary>Facility kind (fac_kind).</summary>
public enum FacKind : byte
{
    General = 1,
    Tcm = 2,
    /// <summary>Psychiatric / infectious / tuberculosis specialty hospital.</summary>
    Specialty = 3,
    /// <summary>基层: community centre, township hospital, village clinic.</summary>
    Primary = 4,
    /// <summary>County-level secondary.</summary>
    County = 5,
}
