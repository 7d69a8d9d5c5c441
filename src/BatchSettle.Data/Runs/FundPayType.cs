using BatchSettle.Core.Domain;

namespace BatchSettle.Data.Runs;

/// <summary>fund_pay_type codes (POLICY.md §1).</summary>
public static class FundPayType
{
    public const string EmployeePooled = "310100";
    public const string ResidentPooled = "390100";
    public const string CriticalIllness = "390200";
    public const string LargeAmount = "330100";
    public const string Assistance = "610100";

    public static string Pooled(InsuType t) => t == InsuType.Employee ? EmployeePooled : ResidentPooled;

    public static string Pooled(string insutype) => insutype == "310" ? EmployeePooled : ResidentPooled;
}
