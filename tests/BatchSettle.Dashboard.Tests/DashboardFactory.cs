using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The dashboard host exactly as <c>batchsettle dashboard --run-batches</c> builds it (<see cref="DashboardHost"/>),
/// on a test database, with two users: <c>view</c> (viewer) and <c>op</c> (operator).
/// </summary>
internal sealed class DashboardFactory(NpgsqlDataSource db, int chunkClaims = 500, int chunkPauseMs = 0) : WebApplicationFactory<Program>
{
    public const string Viewer = "view";
    public const string Operator = "op";
    public const string Password = "s3cret-pass";

    protected override IHostBuilder CreateHostBuilder() =>
        DashboardHost.CreateHostBuilder([], services =>
            {
                services.AddSingleton(db);
                services.AddBatchSettleInProcessRuns();
            })
            .ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Dashboard:Users:0:Name"] = Viewer,
                ["Dashboard:Users:0:Password"] = Password,
                ["Dashboard:Users:0:Role"] = DashboardRoles.Viewer,
                ["Dashboard:Users:1:Name"] = Operator,
                ["Dashboard:Users:1:PasswordHash"] = PasswordCheck.Hash(Password),
                ["Dashboard:Users:1:Role"] = DashboardRoles.Operator,
                ["Dashboard:SampleInterval"] = "00:00:00.250",
                ["Dashboard:LiveInterval"] = "00:00:00.250",
                ["Dashboard:RunPartitions"] = "4",
                ["Dashboard:RunParallelism"] = "2",
                ["Dashboard:RunChunkClaims"] = chunkClaims.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Dashboard:RunChunkPause"] = TimeSpan.FromMilliseconds(chunkPauseMs).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                // Runs whose lease expired are marked interrupted within half a second of expiring (issue 13).
                ["Dashboard:LeaseCheckInterval"] = "00:00:00.500",
                ["Dashboard:RunLeaseRenew"] = "00:00:01",
                ["Dashboard:RunLeaseDuration"] = "00:00:10",
            }));

    public HttpClient ClientAs(string? user)
    {
        var client = CreateClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{Password}")));
        }

        return client;
    }

    public static HttpRequestMessage Action(string path, string? origin = null, bool header = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (header)
        {
            request.Headers.Add("X-BatchSettle-Action", "1");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }
}
