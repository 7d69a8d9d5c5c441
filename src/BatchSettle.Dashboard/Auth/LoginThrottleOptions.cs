namespace BatchSettle.Dashboard;

/// <summary>
/// <c>Dashboard:Login</c>: failed logins are counted per user name and per client address over <see cref="Window"/>;
/// reaching a limit locks that name or address out for <see cref="Lockout"/> (even the right password is refused then).
/// </summary>
public sealed class LoginThrottleOptions
{
    /// <summary>Failed logins of one user name within the window that lock it out.</summary>
    public int MaxFailuresPerUser { get; set; } = 5;

    /// <summary>Failed logins from one client address (any names) within the window that lock it out.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>How far back failures are counted.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a locked-out name or address is refused.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);
}
