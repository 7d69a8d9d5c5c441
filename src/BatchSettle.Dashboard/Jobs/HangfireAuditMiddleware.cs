using Microsoft.Extensions.Primitives;

namespace BatchSettle.Dashboard.Jobs;

/// <summary>
/// Writes every POST to Hangfire's dashboard that changes something — trigger now, requeue, delete — into the audit
/// trail with who, when, what and whether it was accepted (2xx) or refused (a viewer's 403, given here; a missing
/// antiforgery token's 403). Hangfire's own <c>/stats</c> poll, also a POST, changes nothing and is not audited. Runs after
/// authentication, before the Hangfire endpoint, so it sees the user and the response status.
/// </summary>
internal sealed class HangfireAuditMiddleware(RequestDelegate next)
{
    public const string ActionPrefix = "hangfire:";

    public async Task InvokeAsync(HttpContext context, DashboardStore store)
    {
        if (!HttpMethods.IsPost(context.Request.Method)
            || !context.Request.Path.StartsWithSegments(HangfireDashboard.Path, out var rest)
            || rest.Equals("/stats", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        // The form is read once and cached on the request, where Hangfire's dispatcher reads it again.
        var target = StringValues.Empty;
        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            target = form["jobs[]"];
        }

        // Hangfire answers a read-only user's command with 401, which makes a browser ask for credentials again: the user
        // is authenticated and not allowed, which is 403. Refused here, before Hangfire sees it.
        var actor = Actor.From(context.User);
        bool allowed = context.User.IsInRole(DashboardRoles.Operator);
        if (allowed)
        {
            await next(context);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
        }

        var status = context.Response.StatusCode;
        var accepted = status is >= 200 and < 300;
        await store.AuditAsync(
            actor.Name,
            actor.Role,
            ActionPrefix + rest.Value!.TrimStart('/'),
            target.Count > 0 ? string.Join(",", target.ToArray()) : rest.Value!,
            new ActionOutcome(accepted, accepted ? $"done by Hangfire (HTTP {status})"
                : allowed ? $"refused by Hangfire (HTTP {status})" : $"refused: role {actor.Role} may not act (HTTP {status})"),
            CancellationToken.None);
    }
}
