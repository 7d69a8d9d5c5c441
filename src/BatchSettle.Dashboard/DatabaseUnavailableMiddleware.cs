using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>
/// The dashboard says plainly when PostgreSQL is unreachable (issue 13): an API call that fails for that reason answers
/// 503 with a JSON error — never an empty chart or a bare 500 — and the page shows a banner until the database is back
/// (dbstatus.js polls <c>/dashboard/api/database</c>). Nothing to restart: the next request simply works.
/// </summary>
internal sealed class DatabaseUnavailableMiddleware(RequestDelegate next, TimeProvider clock, ILogger<DatabaseUnavailableMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (IsUnreachable(e) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.DatabaseUnreachable(context.Request.Method, context.Request.Path, e.Message);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            await context.Response.WriteAsJsonAsync(new DatabaseStatus(false, "database unreachable: " + Inner(e).Message, clock.GetUtcNow()));
        }
    }

    /// <summary>The database cannot be reached (refused, reset, timed out, shutting down) — not a bad query.</summary>
    internal static bool IsUnreachable(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is SocketException or TimeoutException || x is NpgsqlException { IsTransient: true }
                || x is PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" })
            {
                return true;
            }

            if (x is NpgsqlException && x is not PostgresException)
            {
                return true;
            }
        }

        return false;
    }

    private static Exception Inner(Exception e)
    {
        var x = e;
        while (x.InnerException is not null && x is not SocketException)
        {
            x = x.InnerException;
        }

        return x;
    }
}
