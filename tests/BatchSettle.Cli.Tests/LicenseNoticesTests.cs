using Xunit;

namespace BatchSettle.Cli.Tests;

/// <summary>
/// The LGPL duties travel with the executable: notices and the GPL/LGPL texts beside batchsettle.dll, and Hangfire as
/// its own replaceable assemblies (not merged into ours).
/// </summary>
public sealed class LicenseNoticesTests
{
    [Fact]
    public void Build_NoticesAndLicenceTexts_BesideTheExecutable_HangfireAsSeparateAssemblies()
    {
        var dir = AppContext.BaseDirectory;
        Assert.True(File.Exists(Path.Combine(dir, "batchsettle.dll")));
        var notices = File.ReadAllText(Path.Combine(dir, "THIRD-PARTY-NOTICES.md"));
        Assert.Contains("Hangfire.PostgreSql 1.21.1", notices, StringComparison.Ordinal);
        Assert.Contains("GNU LESSER GENERAL PUBLIC LICENSE", File.ReadAllText(Path.Combine(dir, "licenses", "COPYING.LESSER")), StringComparison.Ordinal);
        Assert.Contains("GNU GENERAL PUBLIC LICENSE", File.ReadAllText(Path.Combine(dir, "licenses", "COPYING")), StringComparison.Ordinal);
        foreach (var assembly in new[] { "Hangfire.Core.dll", "Hangfire.NetCore.dll", "Hangfire.AspNetCore.dll", "Hangfire.PostgreSql.dll" })
        {
            Assert.True(File.Exists(Path.Combine(dir, assembly)), $"{assembly} is not a separate file beside batchsettle.dll");
        }
    }
}
