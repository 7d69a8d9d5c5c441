using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace BatchSettle.Worker.Dashboard;

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
        pages.MapGet("", () => TypedResults.Redirect(BasePath + "/"));
        pages.MapGet("/", (HttpContext context) => Asset(context, "index.html"));
        pages.MapGet("/{file:regex(^[a-z0-9-]+\\.(html|js|css|svg|ico)$)}", (string file, HttpContext context) => Asset(context, file));
        return endpoints;
    }

    private static Results<FileStreamHttpResult, NotFound> Asset(HttpContext context, string file)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'";
        headers.XContentTypeOptions = "nosniff";
        return TypedResults.Stream(stream, ContentTypes.GetValueOrDefault(Path.GetExtension(file), "application/octet-stream"));
    }
}
