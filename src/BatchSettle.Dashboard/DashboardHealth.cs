using BatchSettle.Data.Migrations;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>
/// <c>GET /healthz</c>, for a container's HEALTHCHECK or a load balancer: 200 when the database answers and its schema
/// is current (every migration applied), 503 otherwise. No login, and nothing in the answer but those facts.
/// </summary>
public static class DashboardHealth
{
    public const string Path = "/healthz";

    /// <summary>How long the check waits for the database before it calls it unreachable.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static IEndpointConventionBuilder MapBatchSettleHealth(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], async (NpgsqlDataSource db, CancellationToken ct) =>
        {
            var h = await SchemaHealth.CheckAsync(db, SqlLocator.Find(), Timeout, ct);
            var body = new HealthReport(
                h.Healthy ? "healthy" : "unhealthy",
                h.Reachable ? "reachable" : "unreachable",
                !h.Reachable ? "unknown" : h.Current ? "current" : "behind",
                h.Migrations,
                h.Pending);
            return TypedResults.Json(body, statusCode: h.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}

/// <summary>The body of <c>/healthz</c>.</summary>
public sealed record HealthReport(string Status, string Database, string Schema, int Migrations, int Pending);
