namespace BatchSettle.Dashboard;

/// <summary>One dashboard account: <c>Dashboard:Users:N:{Name,Password|PasswordHash,Role}</c>.</summary>
public sealed class DashboardUserOptions
{
    public string Name { get; set; } = "";

    /// <summary>Plain password: for development and the demo only.</summary>
    public string? Password { get; set; }

    /// <summary><c>pbkdf2-sha256$iterations$salt-base64$hash-base64</c>; see <c>batchsettle dashboard --hash-password</c>.</summary>
    public string? PasswordHash { get; set; }

    /// <summary><c>viewer</c> or <c>operator</c>.</summary>
    public string Role { get; set; } = DashboardRoles.Viewer;
}
