namespace BatchSettle.Worker.Dashboard;

/// <summary>Configuration section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>Who may look and who may act. Empty: anyone may look, nobody may act.</summary>
    public List<DashboardUserOptions> Users { get; init; } = [];

    /// <summary>How often the progress sampler records claims done per running run.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often live views (server-sent events) push a fresh snapshot.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Default and largest page of a keyset-paginated list.</summary>
    public int PageSize { get; set; } = 25;
}
