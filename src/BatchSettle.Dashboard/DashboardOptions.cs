namespace BatchSettle.Dashboard;

/// <summary>Configuration section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>
    /// Who may look and who may act. Empty: the dashboard refuses to start, unless <see cref="InsecureNoAuth"/> is set
    /// and it listens on loopback only (then anyone who reaches it is a viewer, and nobody may act).
    /// </summary>
    public List<DashboardUserOptions> Users { get; init; } = [];

    /// <summary>
    /// <c>Dashboard:InsecureNoAuth</c> (CLI <c>dashboard --insecure-no-auth</c>): start with no users, every visitor a
    /// viewer. Accepted only when every listen address is loopback.
    /// </summary>
    public bool InsecureNoAuth { get; set; }

    /// <summary>
    /// <c>Dashboard:AllowPlaintextPasswords</c>: accept <see cref="DashboardUserOptions.Password"/> (development and the
    /// demo only). Off: a plaintext password in configuration stops the dashboard at start-up.
    /// </summary>
    public bool AllowPlaintextPasswords { get; set; }

    /// <summary>
    /// Host names the dashboard answers to (the Host header; DNS-rebinding defence), besides the loopback names
    /// localhost, 127.0.0.1 and [::1], which are always allowed. <c>*</c> turns the check off.
    /// </summary>
    public List<string> AllowedHosts { get; init; } = [];

    /// <summary>Failed-login throttling.</summary>
    public LoginThrottleOptions Login { get; init; } = new();

    /// <summary>How often the progress sampler records claims done per running run.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often live views (server-sent events) push a fresh snapshot.</summary>
    public TimeSpan LiveInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Default and largest page of a keyset-paginated list.</summary>
    public int PageSize { get; set; } = 25;

    /// <summary>Batches triggered in a process that settles them itself (<c>dashboard --run-batches</c>): partitions of a new run.</summary>
    public int RunPartitions { get; set; } = 4;

    /// <summary>Partitions settled at once by such a process.</summary>
    public int RunParallelism { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Claims per chunk transaction for such a process.</summary>
    public int RunChunkClaims { get; set; } = 10_000;

    /// <summary>
    /// A pause after each chunk commit of such a process (default none): pacing, so that a demo or a browser test can
    /// watch a small batch move instead of seeing it finish before the page opens. Production leaves it at zero.
    /// </summary>
    public TimeSpan RunChunkPause { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How often this host marks runs whose lease expired 'interrupted' (issue 13): detection does not wait for the
    /// dead owner. The lease itself is the owner's (Worker:LeaseDuration, or BATCHSETTLE_LEASE_DURATION for the CLI).
    /// </summary>
    public TimeSpan LeaseCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Lease renewal of runs this host settles itself (<c>--run-batches</c>); default from the environment.</summary>
    public TimeSpan? RunLeaseRenew { get; set; }

    /// <summary>Lease length of runs this host settles itself.</summary>
    public TimeSpan? RunLeaseDuration { get; set; }
}
