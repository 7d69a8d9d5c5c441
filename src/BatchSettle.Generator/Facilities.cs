namespace BatchSettle.Generator;

/// <summary>
/// Synthetic facilities. A code is <c>H</c> + the facility's area admdvs + two digits of its (level, kind) combination
/// + three digits of its number, so one fixmedins_code always carries the same hosp_lv and fac_kind.
/// </summary>
internal static class Facilities
{
    /// <summary>Facilities per (area, combination).</summary>
    public const int PerCombo = 8;

    public static readonly string[] Levels = ["1", "1", "1", "2", "2", "2", "2", "2", "3", "3", "3", "3A", "3A", "3A"];

    public static readonly string[] Kinds =
    [
        "primary", "general", "tcm",
        "primary", "general", "tcm", "county", "specialty",
        "general", "tcm", "specialty",
        "general", "tcm", "specialty",
    ];

    /// <summary>Where outpatient visits go (per mille, combination order): mostly primary care.</summary>
    public static ReadOnlySpan<int> OutpatientWeights => [350, 120, 40, 40, 120, 40, 60, 15, 80, 20, 15, 80, 10, 10];

    /// <summary>Where admissions go: mostly secondary and tertiary.</summary>
    public static ReadOnlySpan<int> InpatientWeights => [60, 40, 10, 30, 200, 40, 120, 30, 150, 30, 40, 200, 20, 30];

    /// <summary>Remote care goes to big hospitals.</summary>
    public static ReadOnlySpan<int> RemoteWeights => [0, 0, 0, 0, 60, 10, 0, 20, 200, 20, 40, 550, 40, 60];

    /// <summary>Combinations of specialty hospitals (TB, psychiatric, infectious).</summary>
    public static ReadOnlySpan<int> SpecialtyCombos => [7, 10, 13];

    /// <summary>Areas outside the insured city inside Liaoning (Shenyang, Dalian, Anshan) and outside (Beijing, Shanghai, Tianjin).</summary>
    public static readonly string[] InProvinceAreas = ["210100", "210200", "210300"];
    public static readonly string[] OutOfProvinceAreas = ["110000", "310000", "120000"];
}
