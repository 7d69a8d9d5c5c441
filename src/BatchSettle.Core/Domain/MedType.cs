namespace BatchSettle.Core.Domain;

/// <summary>医疗类别 (med_type) of a claim; the CSV code is in the comment.</summary>
public enum MedType : byte
{
    /// <summary>11 普通门诊.</summary>
    Outpatient = 1,
    /// <summary>13 急诊 emergency observation.</summary>
    EmergencyObservation = 2,
    /// <summary>14 门诊慢特病.</summary>
    ChronicOutpatient = 3,
    /// <summary>21 普通住院.</summary>
    Inpatient = 4,
    /// <summary>51 生育门诊.</summary>
    MaternityOutpatient = 5,
    /// <summary>52 生育住院.</summary>
    MaternityInpatient = 6,
    /// <summary>53 计划生育手术.</summary>
    FamilyPlanning = 7,
    /// <summary>9901 门诊两病.</summary>
    TwoDiseases = 8,
}
