namespace BatchSettle.Dashboard;

/// <summary>The two dashboard roles and the authorization policies built on them.</summary>
public static class DashboardRoles
{
    /// <summary>Sees everything, changes nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>Also triggers batches and schedules, retries failed runs and cancels running ones.</summary>
    public const string Operator = "operator";

    /// <summary>Sees everything (Hangfire read-only) and closes accounting periods on the finance page.</summary>
    public const string Finance = "finance";

    public const string ViewPolicy = "dashboard.view";
    public const string ActPolicy = "dashboard.act";
    public const string FinancePolicy = "dashboard.finance";

    public static bool IsKnown(string role) => role is Viewer or Operator or Finance;
}
