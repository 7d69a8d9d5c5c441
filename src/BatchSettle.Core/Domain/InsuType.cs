namespace BatchSettle.Core.Domain;

/// <summary>Insurance type (insutype): 310 employee, 390 resident.</summary>
public enum InsuType : byte
{
    Employee = 1,
    Resident = 2,
}
