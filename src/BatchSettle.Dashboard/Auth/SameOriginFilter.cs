namespace BatchSettle.Dashboard;

/// <summary>
/// Refuses a state-changing request that a browser could have sent from another site. Basic credentials are sent by
/// the browser on any request to this origin, so an action also needs the <see cref="Header"/> header (which a
/// cross-site form cannot set and a cross-site script cannot send without a CORS preflight we never grant) and, when
/// the browser names an Origin, that Origin must be this host.
/// </summary>
internal sealed class SameOriginFilter : IEndpointFilter
{
    public const string Header = "X-BatchSettle-Action";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!request.Headers.ContainsKey(Header))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                $"actions need the {Header} header", statusCode: StatusCodes.Status403Forbidden));
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length != 0 && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                "cross-origin action refused", statusCode: StatusCodes.Status403Forbidden));
        }

        return next(context);
    }
}
