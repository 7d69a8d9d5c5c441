using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BatchSettle.Dashboard.Tests;

/// <summary>
/// The dashboard host exactly as <c>batchsettle dashboard --run-batches</c> builds it (<see cref="DashboardHost"/>),
/// served by Kestrel on a free loopback port (real HTTP), on a test database, with three users: <c>view</c> (viewer),
/// <c>op</c> (operator) and <c>fin</c> (finance), all with PBKDF2 hashes. <paramref name="settings"/> add to or override the configuration
/// (e.g. <c>Dashboard:Login:*</c>); a null value removes the default of that key. Started on first use.
/// </summary>
internal sealed class DashboardFactory(NpgsqlDataSource db, int chunkClaims = 500, int chunkPauseMs = 0, IDictionary<string, string?>? settings = null)
    : IAsyncDisposable
{
    public const string Viewer = "view";
    public const string Operator = "op";
    public const string Finance = "fin";
    public const string Password = "s3cret-pass";

    /// <summary>One hash for the whole test run: 600,000 PBKDF2 iterations are not free.</summary>
    public static readonly string PasswordHash = PasswordCheck.Hash(Password);

    private readonly Lock gate = new();
    private WebApplication? app;
    private Uri? address;

    public IServiceProvider Services => Started().Services;

    /// <summary>The site's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address
    {
        get
        {
            Started();
            return address!;
        }
    }

    /// <summary>The configuration the tests run with, before <c>settings</c>.</summary>
    public static Dictionary<string, string?> DefaultSettings(int chunkClaims = 500, int chunkPauseMs = 0) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["Dashboard:Users:0:Name"] = Viewer,
        ["Dashboard:Users:0:PasswordHash"] = PasswordHash,
        ["Dashboard:Users:0:Role"] = DashboardRoles.Viewer,
        ["Dashboard:Users:1:Name"] = Operator,
        ["Dashboard:Users:1:PasswordHash"] = PasswordHash,
        ["Dashboard:Users:1:Role"] = DashboardRoles.Operator,
        ["Dashboard:Users:2:Name"] = Finance,
        ["Dashboard:Users:2:PasswordHash"] = PasswordHash,
        ["Dashboard:Users:2:Role"] = DashboardRoles.Finance,
        ["Dashboard:SampleInterval"] = "00:00:00.250",
        ["Dashboard:LiveInterval"] = "00:00:00.250",
        ["Dashboard:RunPartitions"] = "4",
        ["Dashboard:RunParallelism"] = "2",
        ["Dashboard:RunChunkClaims"] = chunkClaims.ToString(CultureInfo.InvariantCulture),
        ["Dashboard:RunChunkPause"] = TimeSpan.FromMilliseconds(chunkPauseMs).ToString("c", CultureInfo.InvariantCulture),
        // Runs whose lease expired are marked interrupted within half a second of expiring (issue 13).
        ["Dashboard:LeaseCheckInterval"] = "00:00:00.500",
        ["Dashboard:RunLeaseRenew"] = "00:00:01",
        ["Dashboard:RunLeaseDuration"] = "00:00:10",
    };

    /// <summary>The builder the tests use, for tests that build (or fail to build) the host themselves.</summary>
    public static WebApplicationBuilder Builder(NpgsqlDataSource db, IDictionary<string, string?> settings)
    {
        var builder = DashboardHost.CreateBuilder([], services =>
        {
            services.AddSingleton(db);
            services.AddBatchSettleInProcessRuns();
        });
        builder.Configuration.AddInMemoryCollection(settings.Where(kv => kv.Value is not null));
        return builder;
    }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { AllowAutoRedirect = true }) { BaseAddress = Address };

    public HttpClient ClientAs(string? user, string password = Password)
    {
        var client = CreateClient();
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = Basic(user, password);
        }

        return client;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

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

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private WebApplication Started()
    {
        lock (gate)
        {
            if (app is null)
            {
                var all = DefaultSettings(chunkClaims, chunkPauseMs);
                foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
                {
                    all[key] = value;
                }

                var built = DashboardHost.Build(Builder(db, all));
                built.StartAsync().GetAwaiter().GetResult();
                address = new Uri(DashboardHost.Addresses(built.Services)[0].Replace(DashboardEndpoints.BasePath + "/", "/", StringComparison.Ordinal));
                app = built;
            }

            return app;
        }
    }
}
