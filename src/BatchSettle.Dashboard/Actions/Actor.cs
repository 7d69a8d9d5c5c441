using System.Security.Claims;

namespace BatchSettle.Dashboard;

/// <summary>Who asked for an action, as the audit trail and the run's <c>requested_by</c> record it.</summary>
internal readonly record struct Actor(string Name, string Role)
{
    public string RequestedBy => $"dashboard:{Name}";

    public static Actor From(ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? BasicAuthenticationHandler.Anonymous, user.FindFirstValue(ClaimTypes.Role) ?? DashboardRoles.Viewer);
}
