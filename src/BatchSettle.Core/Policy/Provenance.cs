namespace BatchSettle.Core.Policy;

/// <summary>Where a parameter's number comes from (POLICY.md preamble).</summary>
public enum Provenance : byte
{
    Stated = 1,
    Derived = 2,
    Interpreted = 3,
    Assumed = 4,
    /// <summary>
    /// (v2) The number is in a seed, but only in text a later document (not in the seeds) replaced — seed 000's old-text
    /// column. Carried as stated, shown and counted as "stated (superseded text)".
    /// </summary>
    StatedSupersededText = 5,
}

/// <summary>The provenance labels as POLICY.md spells them (params.csv, policy_param, explanations).</summary>
public static class ProvenanceLabels
{
    public const string StatedSupersededText = "stated (superseded text)";

    /// <summary>The label of <paramref name="p"/>.</summary>
    public static string Label(this Provenance p) => p switch
    {
        Provenance.Stated => "stated",
        Provenance.Derived => "derived",
        Provenance.Interpreted => "interpreted",
        Provenance.Assumed => "assumed",
        Provenance.StatedSupersededText => StatedSupersededText,
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    /// <summary>Parses a label; false when unknown.</summary>
    public static bool TryParse(string s, out Provenance p)
    {
        p = s switch
        {
            "stated" => Provenance.Stated,
            "derived" => Provenance.Derived,
            "interpreted" => Provenance.Interpreted,
            "assumed" => Provenance.Assumed,
            StatedSupersededText => Provenance.StatedSupersededText,
            _ => 0,
        };
        return p != 0;
    }
}
