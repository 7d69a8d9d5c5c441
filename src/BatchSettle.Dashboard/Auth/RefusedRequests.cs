using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace BatchSettle.Dashboard;

/// <summary>
/// Requests refused before they reach an action — a viewer's POST (wrong role), a missing action header or a foreign
/// Origin (CSRF defence) — written to the audit trail (<c>audit_action</c>, action <see cref="Action"/>), where ops look
/// for what was tried. Failed logins and lockouts are audited by <see cref="BasicAuthenticationHandler"/>.
/// </summary>
internal static class RefusedRequests
{
    public const string Action = "refused_request";

    public static async Task AuditAsync(HttpContext context, string detail)
    {
        var actor = Actor.From(context.User);
        try
        {
            await context.RequestServices.GetRequiredService<DashboardStore>().AuditAsync(
                actor.Name, actor.Role, Action, $"{context.Request.Method} {context.Request.Path}", new ActionOutcome(false, detail), CancellationToken.None);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("BatchSettle.Dashboard").AuditFailed(ex);
        }
    }
}

/// <summary>Audits a state-changing request that authorization forbids (authenticated, wrong role), then answers 403 as usual.</summary>
internal sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler inner = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await RefusedRequests.AuditAsync(context, $"refused: role {Actor.From(context.User).Role} may not act (HTTP 403)");
        }

        await inner.HandleAsync(next, context, policy, authorizeResult);
    }
}
