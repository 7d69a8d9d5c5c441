using BatchSettle.Core.Domain;

namespace BatchSettle.Generator;

/// <summary>
/// 门诊慢特病 disease codes the generator writes as <c>special_dise = chronic:&lt;code&gt;</c>: the CONTRACT.md v2 list
/// (<see cref="Codes.ChronicCodes"/>, POLICY.md CHR-01), every one of which has its CHR-01 rows in sql/policy/params.csv.
/// </summary>
internal static class ChronicCodes
{
    /// <summary>The codes, in the contract's order.</summary>
    public static readonly string[] All = [.. Codes.ChronicCodes];

    /// <summary>Index of child_autism (only for young children, CHR-01's age limit).</summary>
    public static readonly int ChildAutism = Array.IndexOf(All, "child_autism");

    /// <summary>The full special_dise cell for each code ("chronic:" + code), built once.</summary>
    public static readonly string[] Cells = Array.ConvertAll(All, c => "chronic:" + c);

    /// <summary>A plausible ICD-10 main diagnosis per code (same index).</summary>
    public static readonly string[] Diagnoses =
    [
        "N18.5", "Z94.0", "C67.9", "C92.0", "A15.0", "F84.0", "C34.9", "F20.9", "E11.7", "M32.9", "Z95.5", "D61.9",
        "D47.1", "D46.9", "B18.1", "B18.2", "G20", "Z95.1", "I69.3",
    ];
}
