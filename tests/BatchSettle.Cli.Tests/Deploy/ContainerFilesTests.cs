using System.Text.Json;
using System.Text.RegularExpressions;
using BatchSettle.Dashboard;
using BatchSettle.Data.Infrastructure;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace BatchSettle.Cli.Tests.Deploy;

/// <summary>
/// What can be checked of the container files without a container engine (there is none on the build machines):
/// compose.yaml parses and has the three services with healthchecks and secrets; every healthcheck runs a verb the
/// CLI has and asks the dashboard's real health path on the port the image exposes and the dashboard listens on; image
/// tags are pinned to exact versions (the SDK to global.json's); no secret sits in the file itself.
/// </summary>
public sealed partial class ContainerFilesTests
{
    private static readonly string Root = Checkout.FindRoot() ?? throw new InvalidOperationException("not in a checkout");

    private static YamlMappingNode Compose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "compose.yaml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Map(YamlNode node, string key) => (YamlMappingNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)];

    /// <summary>A scalar of a mapping, following a YAML merge key (<c>&lt;&lt;: *anchor</c>), as compose does.</summary>
    private static string? Scalar(YamlNode node, string key)
    {
        var map = (YamlMappingNode)node;
        if (map.Children.TryGetValue(new YamlScalarNode(key), out var v))
        {
            return ((YamlScalarNode)v).Value;
        }

        return map.Children.TryGetValue(new YamlScalarNode("<<"), out var merged) ? Scalar(merged, key) : null;
    }

    private static List<string> Sequence(YamlNode node, string key) =>
        [.. ((YamlSequenceNode)((YamlMappingNode)node).Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!)];

    private static string[] Dockerfile() => File.ReadAllLines(Path.Combine(Root, "Dockerfile"));

    [Fact]
    public void Compose_WorkerDashboardPostgres15_HealthchecksHitRealVerbsAndPath_PortsAgree_SecretsNotInline()
    {
        var compose = Compose();
        var services = Map(compose, "services");
        Assert.Equal(["dashboard", "postgres", "worker"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));

        var postgres = Map(services, "postgres");
        Assert.Matches(@"^postgres:15\.\d+(-[a-z]+)?$", Scalar(postgres, "image"));
        Assert.Equal("/run/secrets/db_password", Scalar(Map(postgres, "environment"), "POSTGRES_PASSWORD_FILE"));
        Assert.Contains("pg_isready", string.Join(" ", Sequence(Map(postgres, "healthcheck"), "test")), StringComparison.Ordinal);

        // Exposed port = dashboard listen port = healthcheck URL's port = the container side of the published port.
        int exposed = int.Parse(Dockerfile().Single(l => l.StartsWith("EXPOSE ", StringComparison.Ordinal))[7..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var imageUrls = DockerEnv()["Dashboard__Urls"];
        Assert.Equal(exposed, new Uri(imageUrls).Port);
        var dashboard = Map(services, "dashboard");
        Assert.Equal(["dashboard"], Sequence(dashboard, "command"));
        Assert.Equal(exposed, new Uri(Scalar(Map(dashboard, "environment"), "Dashboard__Urls")!).Port);
        Assert.False(DashboardSecurity.IsLoopback(imageUrls), "inside a container the dashboard must listen beyond loopback");
        Assert.Equal(exposed.ToString(System.Globalization.CultureInfo.InvariantCulture), Sequence(dashboard, "ports").Single().Split(':')[^1]);

        var dashboardCheck = Sequence(Map(dashboard, "healthcheck"), "test");
        Assert.Equal(["CMD", "dotnet", "batchsettle.dll", "health", "--url"], dashboardCheck.Take(5));
        var url = new Uri(dashboardCheck[5]);
        Assert.Equal((DashboardHealth.Path, exposed), (url.AbsolutePath, url.Port));
        Assert.True(DashboardSecurity.IsLoopback(dashboardCheck[5]), "the check runs inside the container, on loopback (always an allowed Host)");

        var worker = Map(services, "worker");
        Assert.Equal(["worker"], Sequence(worker, "command"));
        Assert.Equal(["CMD", "dotnet", "batchsettle.dll", "health"], Sequence(Map(worker, "healthcheck"), "test"));
        foreach (var app in new[] { worker, dashboard })
        {
            Assert.Equal("batchsettle:0.4.0", Scalar(app, "image"));
            Assert.Equal("service_healthy", Scalar(Map(Map(app, "depends_on"), "postgres"), "condition"));
            var env = Map(app, "environment");
            var db = Scalar(env, BatchSettleDatabase.EnvVar)!;
            Assert.DoesNotContain("Password=", db, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("Passfile=/run/secrets/pgpass", db, StringComparison.Ordinal);
            Assert.Equal("/run/secrets/seal_key", Scalar(env, SealKey.FileEnvVar));
            Assert.Equal(["pgpass", "seal_key"], Sequence(app, "secrets"));
        }

        // The dashboard's users come from the environment (.env), with a hash; the file holds no password or hash.
        Assert.StartsWith("${BATCHSETTLE_OPERATOR_HASH:?", Scalar(Map(dashboard, "environment"), "Dashboard__Users__0__PasswordHash"), StringComparison.Ordinal);
        var text = File.ReadAllText(Path.Combine(Root, "compose.yaml"));
        Assert.DoesNotMatch(@"pbkdf2-sha256\$\d", text.Replace("pbkdf2-sha256$600000$...", "", StringComparison.Ordinal));
        Assert.Equal(["db_password", "pgpass", "seal_key"], Map(compose, "secrets").Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        var ignored = File.ReadAllLines(Path.Combine(Root, ".gitignore"));
        Assert.Contains("/secrets/", ignored);
        Assert.Contains(".env", ignored);
    }

    [Fact]
    public async Task Dockerfile_PinnedTags_SdkIsGlobalJsons_HealthcheckUsesTheHealthVerbAndPath_Exposes_RunsUnprivileged()
    {
        var lines = Dockerfile();
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Assert.Equal(2, froms.Count);
        Assert.All(froms, f => Assert.Matches(@"^mcr\.microsoft\.com/dotnet/(sdk|aspnet):\d+\.\d+\.\d+$", f));
        using var global = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "global.json")));
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:" + global.RootElement.GetProperty("sdk").GetProperty("version").GetString(), froms[0]);

        var healthcheck = string.Join(" ", lines.SkipWhile(l => !l.StartsWith("HEALTHCHECK", StringComparison.Ordinal)).Take(2)).Replace("\\", "", StringComparison.Ordinal);
        var cmd = JsonSerializer.Deserialize<string[]>(CmdArray().Match(healthcheck).Groups[1].Value)!;
        Assert.Equal(["dotnet", "batchsettle.dll", "health", "--url"], cmd.Take(4));
        var url = new Uri(cmd[4]);
        Assert.Equal(DashboardHealth.Path, url.AbsolutePath);
        Assert.Equal(new Uri(DockerEnv()["Dashboard__Urls"]).Port, url.Port);
        Assert.Contains("EXPOSE " + url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), lines);
        Assert.Contains("USER $APP_UID", lines);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"batchsettle.dll\"]", lines[^1]);

        // The verb the checks run exists (its --help starts nothing) and the CLI lists it.
        var help = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["health", "--help"], help, new StringWriter()));
        Assert.Contains("Usage:\n  batchsettle health", help.ToString().Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("--url", help.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthVerb_WithoutADatabaseOrAListeningDashboard_ExitsNonZero()
    {
        var output = new StringWriter();
        Assert.Equal(1, await HealthCommand.RunAsync(["--url", "http://127.0.0.1:9/healthz"], output));
        Assert.Contains("health: http://127.0.0.1:9/healthz:", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await HealthCommand.RunAsync(["--bogus"], output));
    }

    /// <summary>The ENV assignments of the runtime stage.</summary>
    private static Dictionary<string, string> DockerEnv()
    {
        var lines = Dockerfile();
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        bool inEnv = false;
        foreach (var raw in lines.SkipWhile(l => !l.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal)))
        {
            var line = raw.Trim();
            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                inEnv = true;
                line = line[4..];
            }
            else if (!inEnv)
            {
                continue;
            }

            foreach (var pair in line.TrimEnd('\\').Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                env[pair[..eq]] = pair[(eq + 1)..];
            }

            inEnv = raw.TrimEnd().EndsWith('\\');
        }

        return env;
    }

    [GeneratedRegex(@"CMD\s+(\[.*\])")]
    private static partial Regex CmdArray();
}
