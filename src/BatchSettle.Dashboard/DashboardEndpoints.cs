using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchSettle.Dashboard;

/// <summary>Maps the dashboard: its API and its pages, all under <see cref="BasePath"/>.</summary>
public static class DashboardEndpoints
{
    public const string BasePath = "/dashboard";

    private const string ResourcePrefix = "BatchSettle.Dashboard.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".ico"] = "image/x-icon",
    };

    /// <summary>
    /// The dashboard's API and pages. The pages are plain HTML, CSS and JavaScript embedded in this assembly (no CDN,
    /// no build step), served with a Content-Security-Policy that allows nothing from elsewhere.
    /// </summary>
    public static IEndpointRouteBuilder MapBatchSettleDashboard(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapDashboardApi();
        var pages = endpoints.MapGroup(BasePath).RequireAuthorization(DashboardRoles.ViewPolicy).ExcludeFromDescription();
        pages.MapGet("/", Index);
        // Only names embedded under Dashboard/Assets resolve; there is no file system behind this.
        pages.MapGet("/{file}", (string file, HttpContext context) => Asset(context, file));
        return endpoints;
    }

    // Routing matches /dashboard and /dashboard/ alike; the page's relative links need the slash.
    private static Results<FileStreamHttpResult, NotFound, RedirectHttpResult> Index(HttpContext context) =>
        context.Request.Path.Value?.EndsWith('/') == true
            ? Asset(context, "index.html")
            : TypedResults.Redirect(context.Request.PathBase + BasePath + "/");

    private static Results<FileStreamHttpResult, NotFound, RedirectHttpResult> Asset(HttpContext context, string file)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream"));
    }
}
