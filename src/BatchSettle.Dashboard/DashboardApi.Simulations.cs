using BatchSettle.Data.Simulation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace BatchSettle.Dashboard;

/// <summary>(Issue 15) Policy simulations, read-only: the list and one simulation's stored report. A simulation is
/// started from the command line (<c>batchsettle simulate</c>); the page shows what it found.</summary>
internal static partial class DashboardApi
{
    private static void MapSimulations(RouteGroupBuilder api)
    {
        api.MapGet("/simulations", GetSimulations);
        api.MapGet("/simulations/{simId:long}", GetSimulation);
    }

    private static async Task<Ok<IReadOnlyList<SimulationInfo>>> GetSimulations(NpgsqlDataSource db, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await new Simulator(db, clock).ListAsync(cancellationToken));

    // The report is stored as JSON when the simulation finishes; it is passed on as it is.
    private static async Task<Results<ContentHttpResult, NotFound>> GetSimulation(long simId, NpgsqlDataSource db, TimeProvider clock,
        CancellationToken cancellationToken) =>
        await new Simulator(db, clock).ReportJsonAsync(simId, cancellationToken) is { } json
            ? TypedResults.Text(json, "application/json; charset=utf-8")
            : TypedResults.NotFound();
}
