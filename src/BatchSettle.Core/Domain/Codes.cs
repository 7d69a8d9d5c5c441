namespace BatchSettle.Core.Domain;

/// <summary>The contract's text codes (CONTRACT.md) to and from the domain enums.</summary>
public static class Codes
{
    public static bool TryRegion(string? s, out Region v)
    {
        v = s switch { "210500" => Region.Benxi, "210800" => Region.Yingkou, _ => 0 };
        return v != 0;
    }

    public static string Admdvs(Region r) => r == Region.Benxi ? "210500" : "210800";

    public static bool TryInsuType(string? s, out InsuType v)
    {
        v = s switch { "310" => InsuType.Employee, "390" => InsuType.Resident, _ => 0 };
        return v != 0;
    }

    public static string Insutype(InsuType t) => t == InsuType.Employee ? "310" : "390";

    public static bool TryMedType(string? s, out MedType v)
    {
        v = s switch
        {
            "11" => MedType.Outpatient,
            "13" => MedType.EmergencyObservation,
            "14" => MedType.ChronicOutpatient,
            "21" => MedType.Inpatient,
            "51" => MedType.MaternityOutpatient,
            "52" => MedType.MaternityInpatient,
            "53" => MedType.FamilyPlanning,
            "9901" => MedType.TwoDiseases,
            _ => 0,
        };
        return v != 0;
    }

    public static string MedTypeCode(MedType m) => m switch
    {
        MedType.Outpatient => "11",
        MedType.EmergencyObservation => "13",
        MedType.ChronicOutpatient => "14",
        MedType.Inpatient => "21",
        MedType.MaternityOutpatient => "51",
        MedType.MaternityInpatient => "52",
        MedType.FamilyPlanning => "53",
        MedType.TwoDiseases => "9901",
        _ => throw new ArgumentOutOfRangeException(nameof(m)),
    };

    public static bool TryHospLevel(string? s, out HospLevel v)
    {
        v = s switch { "1" => HospLevel.L1, "2" => HospLevel.L2, "3" => HospLevel.L3, "3A" => HospLevel.L3A, _ => 0 };
        return v != 0;
    }

    public static string HospLevelCode(HospLevel l) => l switch
    {
        HospLevel.L1 => "1",
        HospLevel.L2 => "2",
        HospLevel.L3 => "3",
        HospLevel.L3A => "3A",
        _ => throw new ArgumentOutOfRangeException(nameof(l)),
    };

    public static bool TryFacKind(string? s, out FacKind v)
    {
        v = s switch
        {
            "general" => FacKind.General,
            "tcm" => FacKind.Tcm,
            "specialty" => FacKind.Specialty,
            "primary" => FacKind.Primary,
            "county" => FacKind.County,
            _ => 0,
        };
        return v != 0;
    }

    public static bool TrySetting(string? s, out CareSetting v)
    {
        v = s switch
        {
            "local" => CareSetting.Local,
            "filed_remote" => CareSetting.FiledRemote,
            "referred" => CareSetting.Referred,
            "temporary" => CareSetting.Temporary,
            "emergency_remote" => CareSetting.EmergencyRemote,
            _ => 0,
        };
        return v != 0;
    }

    /// <summary>
    /// (v2) The <c>chronic:&lt;code&gt;</c> codes of CONTRACT.md (the superseded Benxi list, [000:187]), in the
    /// contract's order. A claim naming another code is quarantined (special_dise).
    /// </summary>
    public static IReadOnlyList<string> ChronicCodes => s_chronicCodes;

    private static readonly string[] s_chronicCodes =
    [
        "renal_esrd", "organ_transplant", "cancer_radiotherapy", "leukaemia", "pulmonary_tb", "child_autism",
        "cancer_drug", "psychiatric", "diabetes_complications", "sle", "stent_anticoagulation", "aplastic_anaemia",
        "myelofibrosis", "mds", "hepatitis_b_antiviral", "hepatitis_c_antiviral", "parkinson", "cabg_anticoagulation",
        "stroke_sequelae",
    ];

    /// <summary>Index of <paramref name="code"/> in <see cref="ChronicCodes"/>, or -1. Allocation-free.</summary>
    public static int ChronicIndex(string? code)
    {
        if (code is null) return -1;
        for (int i = 0; i < s_chronicCodes.Length; i++)
        {
            if (string.Equals(s_chronicCodes[i], code, StringComparison.Ordinal)) return i;
        }
        return -1;
    }

    /// <summary>special_dise: empty/null → None; "chronic:CODE" → Chronic with the code.</summary>
    public static bool TrySpecialDisease(string? s, out SpecialDisease v, out string? chronicCode)
    {
        chronicCode = null;
        if (string.IsNullOrEmpty(s)) { v = SpecialDisease.None; return true; }
        if (s.StartsWith("chronic:", StringComparison.Ordinal) && s.Length > "chronic:".Length)
        {
            v = SpecialDisease.Chronic;
            chronicCode = s["chronic:".Length..];
            return true;
        }
        v = s switch
        {
            "tb" => SpecialDisease.Tuberculosis,
            "hepatitis" => SpecialDisease.Hepatitis,
            "psychiatric" => SpecialDisease.Psychiatric,
            "hypertension" => SpecialDisease.Hypertension,
            "diabetes" => SpecialDisease.Diabetes,
            "child_major" => SpecialDisease.ChildMajor,
            "infectious" => SpecialDisease.Infectious,
            _ => SpecialDisease.None,
        };
        return v != SpecialDisease.None;
    }

    public static bool TryExclusion(string? s, out ExclusionCause v)
    {
        if (string.IsNullOrEmpty(s)) { v = ExclusionCause.None; return true; }
        v = s switch
        {
            "abroad" => ExclusionCause.Abroad,
            "work_injury" => ExclusionCause.WorkInjury,
            "public_health" => ExclusionCause.PublicHealth,
            "third_party" => ExclusionCause.ThirdParty,
            "misconduct" => ExclusionCause.Misconduct,
            "addiction" => ExclusionCause.Addiction,
            _ => ExclusionCause.None,
        };
        return v != ExclusionCause.None;
    }

    public static bool TryEnrolKind(string? s, out EnrolKind v)
    {
        v = s switch
        {
            "centralised" => EnrolKind.Centralised,
            "mid_year" => EnrolKind.MidYear,
            "newborn" => EnrolKind.Newborn,
            "job_loss" => EnrolKind.JobLoss,
            "veteran_or_released" => EnrolKind.VeteranOrReleased,
            "graduate" => EnrolKind.Graduate,
            "student" => EnrolKind.Student,
            _ => 0,
        };
        return v != 0;
    }

    /// <summary>
    /// Parses the hardship cell "D:2024-03-01;E:2023-01-01" (empty = none). On failure <paramref name="error"/> names the
    /// offending part.
    /// </summary>
    public static bool TryHardship(string? s, out HardshipStarts starts, out string? error)
    {
        starts = default;
        error = null;
        if (string.IsNullOrWhiteSpace(s)) return true;
        foreach (var part in s.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int colon = part.IndexOf(':', StringComparison.Ordinal);
            if (colon != 1 || !Enum.TryParse<HardshipCategory>(part[..1], ignoreCase: false, out var cat) || !Enum.IsDefined(cat))
            {
                error = $"unknown hardship identity '{part}' (expected CODE:YYYY-MM-DD with CODE one of T O D E F M N I S P)";
                return false;
            }
            if (!DateOnly.TryParseExact(part[2..], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.None, out var d))
            {
                error = $"bad start date in hardship identity '{part}'";
                return false;
            }
            starts[(int)cat] = d.DayNumber;
        }
        return true;
    }
}
