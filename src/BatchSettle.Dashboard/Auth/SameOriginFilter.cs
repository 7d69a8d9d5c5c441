namespace BatchSettle.Dashboard;

/// <summary>
/// Refuses a state-changing request that a browser could have sent from another site. Basic credentials are sent by
/// the browser on any request to this origin, so an action also needs the <see cref="Header"/> header (which a
/// cross-site form cannot set and a cross-site script cannot send without a CORS preflight we never grant) and, when
/// the browser names an Origin, that Origin must be this host. A refusal is written to the audit trail.
/// </summary>
internal sealed class SameOriginFilter : IEndpointFilter
{
    public const string Header = "X-BatchSettle-Action";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!request.Headers.ContainsKey(Header))
        {
            var message = $"actions need the {Header} header";
            await RefusedRequests.AuditAsync(context.HttpContext, $"refused: {message} (HTTP 403)");
            return TypedResults.Problem(message, statusCode: StatusCodes.Status403Forbidden);
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length != 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            await RefusedRequests.AuditAsync(context.HttpContext, $"refused: cross-origin action from {origin} (HTTP 403)");
            return TypedResults.Problem("cross-origin action refused", statusCode: StatusCodes.Status403Forbidden);
        }

        return await next(context);
    }
}
