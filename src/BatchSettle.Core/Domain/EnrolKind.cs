namespace BatchSettle.Core.Domain;

/// <summary>enrol_kind of a person-year.</summary>
public enum EnrolKind : byte
{
    Centralised = 1,
    MidYear = 2,
    Newborn = 3,
    JobLoss = 4,
    VeteranOrReleased = 5,
    Graduate = 6,
    Student = 7,
}
