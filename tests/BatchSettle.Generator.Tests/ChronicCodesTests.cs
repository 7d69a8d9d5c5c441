using Xunit;
using BatchSettle.Core.Domain;
using BatchSettle.Core.Policy;

namespace BatchSettle.Generator.Tests;

public sealed class ChronicCodesTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "BatchSettle.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("BatchSettle.sln not found");
    }

    // A chronic code the generator writes but the policy data lacks would quarantine every such claim
    // ("missing parameter chr.ratio/<code>"): it happened once, when the two lists were written apart.
    [Fact]
    public void All_GeneratedChronicCodes_HaveARatioInTheShippedPolicy()
    {
        var policy = new PolicySet(PolicyCsv.Parse(File.ReadAllText(Path.Combine(RepoRoot(), "sql", "policy", "params.csv"))));
        var day = new DateOnly(2025, 3, 15);
        foreach (var code in ChronicCodes.All)
        {
            foreach (var region in new[] { Region.Benxi, Region.Yingkou })
            {
                foreach (var insu in new[] { InsuType.Employee, InsuType.Resident })
                {
                    Assert.True(policy.Resolve("chr.ratio", code, region, insu, day) is not null,
                        $"chr.ratio/{code} missing for {region}/{insu}");
                }
            }
        }
    }
}
