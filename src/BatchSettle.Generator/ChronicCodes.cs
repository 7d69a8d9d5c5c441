namespace BatchSettle.Generator;

/// <summary>
/// 门诊慢特病 disease codes the generator writes as <c>special_dise = chronic:&lt;code&gt;</c> (POLICY.md §6.7).
/// Keep in sync with the chronic-disease rows of sql/policy/params.csv (the engine's assumed sample list): a code here
/// that is missing there settles as quarantined ("missing parameter"), which is a generator bug, not a policy gap.
/// </summary>
internal static class ChronicCodes
{
    /// <summary>The codes, and per code a plausible ICD-10 main diagnosis (same index).</summary>
    public static readonly string[] All =
    [
        "cancer_drug",
        "psychiatric",
        "diabetes_complications",
        "stent_anticoagulation",
        "aplastic_anaemia",
        "hepatitis_antiviral",
        "parkinson",
        "renal_esrd",
        "stroke_sequelae",
        "hypertension_complications",
    ];

    /// <summary>The full special_dise cell for each code ("chronic:" + code), built once.</summary>
    public static readonly string[] Cells = Array.ConvertAll(All, c => "chronic:" + c);

    public static readonly string[] Diagnoses =
    [
        "C34.9", "F20.9", "E11.7", "Z95.5", "D61.9", "B18.1", "G20", "N18.5", "I69.3", "I10",
    ];
}
